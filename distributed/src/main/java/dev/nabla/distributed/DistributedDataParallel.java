package dev.nabla.distributed;

import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.autograd.Engine;
import dev.nabla.nn.Module;
import dev.nabla.nn.Parameter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Data-parallel training of one module replicated on every rank of a {@link ProcessGroup}, as
 * PyTorch's {@code DistributedDataParallel}: each rank runs the module's own {@code forward}
 * and backward on its shard of the batch, and when backward through the module finishes,
 * every parameter's {@code grad()} holds the average of the ranks' gradients, so equal
 * optimizer steps keep the replicas equal.
 *
 * <p>Note [Gradient buckets]: the parameters that require grad are grouped, in reverse
 * registration order (roughly the order backward produces their gradients) and by dtype,
 * into buckets of at most {@code bucketCapBytes}, each with a preallocated direct buffer. A
 * post-accumulate-grad hook copies a parameter's gradient into its bucket as soon as it is
 * ready; when a bucket's last gradient arrives, the bucket is handed to the group's
 * communication thread, which all-reduces it while backward goes on. Buckets start strictly
 * in index order (a ready bucket waits for the ones before it), so every rank issues the same
 * collectives in the same order. When the backward run ends ({@link Engine#queueCallback}),
 * the run waits for its buckets and writes each average (sum divided by the group's size)
 * back into the gradients.
 *
 * <p>A parameter that gets no gradient in a backward through the module (a branch not taken)
 * would leave its bucket incomplete on this rank while the others wait. By default that is an
 * error naming the parameters; with {@code findUnusedParameters} such parameters count zero
 * in their bucket, and one more all-reduce tells which are unused on every rank, whose
 * gradients are then left as they were (PyTorch's {@code find_unused_parameters=True}).
 *
 * <p>Several backward calls before an optimizer step each average what has accumulated, so the
 * gradients stay the average of the ranks' accumulated gradients.
 */
public final class DistributedDataParallel {
    /** The bucket size used unless one is given: 4 MiB, the size that measured fastest on shared memory. */
    public static final long DEFAULT_BUCKET_CAP_BYTES = 4L << 20;

    private final Module module;
    private final ProcessGroup group;
    private final boolean findUnusedParameters;
    private final List<String> names = new ArrayList<>();
    private final List<Parameter> params = new ArrayList<>();
    private final List<Bucket> buckets = new ArrayList<>();
    /** Per parameter: its bucket, and its first element in the bucket. */
    private final int[] bucketOf;
    private final int[] offsetIn;

    // The state of the backward run under way; guarded by this.
    private boolean running;
    private final boolean[] ready;
    private int nextToStart;
    private final Future<?>[] inFlight;

    /** One bucket: a direct buffer of parameters' gradients, of one dtype. */
    private static final class Bucket {
        final DType dtype;
        final List<Integer> members = new ArrayList<>();
        int numel;
        ByteBuffer buffer;
        int pending;

        Bucket(DType dtype) {
            this.dtype = dtype;
        }
    }

    /**
     * Wraps {@code module} with buckets of {@link #DEFAULT_BUCKET_CAP_BYTES} and unused
     * parameters treated as an error.
     *
     * @see #DistributedDataParallel(Module, ProcessGroup, long, boolean)
     */
    public DistributedDataParallel(Module module, ProcessGroup group) {
        this(module, group, DEFAULT_BUCKET_CAP_BYTES, false);
    }

    /**
     * Wraps {@code module}: copies rank 0's parameters and buffers to every rank (a collective:
     * every rank constructs its wrapper at the same point), then hooks the parameters that
     * require grad so that each backward through the module averages their gradients.
     *
     * @param bucketCapBytes the most bytes of gradients per all-reduce; 4 to 16 MiB suits shared
     *     memory and networks alike, smaller ones start communication earlier in backward
     * @param findUnusedParameters whether a parameter may get no gradient in a backward (it then
     *     counts zero on this rank) instead of that being an error
     * @throws IllegalArgumentException if {@code bucketCapBytes} is not positive, or a parameter
     *     or buffer is not a CPU tensor of float32, float64 or int64 (the MPI group's kinds)
     * @throws NullPointerException if {@code module} or {@code group} is null
     */
    public DistributedDataParallel(Module module, ProcessGroup group, long bucketCapBytes, boolean findUnusedParameters) {
        if (module == null || group == null) {
            throw new NullPointerException("DistributedDataParallel: " + (module == null ? "module" : "group") + " is null");
        }
        if (bucketCapBytes <= 0) {
            throw new IllegalArgumentException("DistributedDataParallel: bucketCapBytes must be positive, got " + bucketCapBytes);
        }
        this.module = module;
        this.group = group;
        this.findUnusedParameters = findUnusedParameters;
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            check("parameter", e.getKey(), e.getValue());
            group.broadcast(e.getValue(), 0);
            if (e.getValue().requiresGrad()) {
                names.add(e.getKey());
                params.add(e.getValue());
            }
        }
        for (Map.Entry<String, Tensor> e : module.namedBuffers().entrySet()) {
            check("buffer", e.getKey(), e.getValue());
            group.broadcast(e.getValue(), 0);
        }
        int n = params.size();
        bucketOf = new int[n];
        offsetIn = new int[n];
        ready = new boolean[n];
        assignBuckets(bucketCapBytes);
        inFlight = new Future<?>[buckets.size()];
        for (int i = 0; i < n; i++) {
            int index = i;
            params.get(i).registerPostAccumulateGradHook(p -> gradientReady(index));
        }
    }

    private static void check(String kind, String name, Tensor t) {
        try {
            HostBuffers.checkCollective("DistributedDataParallel", t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (" + kind + " " + name + ")", e);
        }
    }

    /** See Note [Gradient buckets]. */
    private void assignBuckets(long capBytes) {
        Map<DType, Bucket> open = new EnumMap<>(DType.class);
        for (int i = params.size() - 1; i >= 0; i--) {
            Parameter p = params.get(i);
            DType dtype = p.dtype();
            Bucket b = open.get(dtype);
            long bytes = p.numel() * dtype.byteSize();
            if (b != null && b.numel > 0 && (b.numel * (long) dtype.byteSize()) + bytes > capBytes) {
                b = null;
            }
            if (b == null) {
                b = new Bucket(dtype);
                buckets.add(b);
                open.put(dtype, b);
            }
            bucketOf[i] = buckets.indexOf(b);
            offsetIn[i] = b.numel;
            b.members.add(i);
            b.numel = Math.addExact(b.numel, Math.toIntExact(p.numel()));
        }
        for (Bucket b : buckets) {
            b.buffer = HostBuffers.allocate((long) b.numel * b.dtype.byteSize());
        }
    }

    /** The wrapped module, whose {@code forward} the caller keeps calling. */
    public Module module() {
        return module;
    }

    /** The group the gradients are averaged over. */
    public ProcessGroup group() {
        return group;
    }

    /** How many buckets the gradients are reduced in, per backward. */
    public int bucketCount() {
        return buckets.size();
    }

    /**
     * Nanoseconds the group's communication thread has spent in all-reduce calls so far (this
     * wrapper's buckets and any other all-reduce on the group), for reports of time per step.
     */
    public long allReduceNanos() {
        return group.allReduceNanos();
    }

    /** The post-accumulate-grad hook of parameter {@code index}. */
    private synchronized void gradientReady(int index) {
        if (!running) {
            running = true;
            Arrays.fill(ready, false);
            for (Bucket b : buckets) {
                b.pending = b.members.size();
            }
            nextToStart = 0;
            Engine.queueCallback(this::finishBackward);
        }
        if (ready[index]) {
            throw new IllegalStateException("DistributedDataParallel: parameter " + names.get(index)
                    + " was marked ready twice in one backward; its gradient may only be accumulated once per backward");
        }
        Parameter p = params.get(index);
        Bucket b = buckets.get(bucketOf[index]);
        HostBuffers.copyIn(p.grad().contiguous(), 0, Math.toIntExact(p.numel()), b.buffer, offsetIn[index]);
        markReady(index);
    }

    private void markReady(int index) {
        ready[index] = true;
        Bucket b = buckets.get(bucketOf[index]);
        b.pending--;
        while (nextToStart < buckets.size() && buckets.get(nextToStart).pending == 0) {
            Bucket next = buckets.get(nextToStart);
            inFlight[nextToStart] = group.allReduceAsync(next.buffer, next.dtype, next.numel);
            nextToStart++;
        }
    }

    /** Runs when the backward run that first reached the module ends: see Note [Gradient buckets]. */
    private synchronized void finishBackward() {
        running = false;
        List<Integer> unused = new ArrayList<>();
        for (int i = 0; i < ready.length; i++) {
            if (!ready[i]) {
                unused.add(i);
            }
        }
        if (!unused.isEmpty() && !findUnusedParameters) {
            // The buckets already started are the same on every rank running this model: let them
            // finish, so that the group and the buffers are in order if the caller recovers.
            awaitStarted();
            List<String> which = new ArrayList<>();
            for (int i : unused) {
                which.add(names.get(i));
            }
            throw new IllegalStateException("DistributedDataParallel: parameters " + which + " got no gradient in this"
                    + " backward, so their buckets cannot be reduced and the other ranks would wait forever; if the"
                    + " module does not use every parameter in each step, construct it with findUnusedParameters = true");
        }
        long[] usedCounts = null;
        Tensor used = null;
        if (findUnusedParameters) {
            for (int i : unused) {
                Bucket b = buckets.get(bucketOf[i]);
                int n = Math.toIntExact(params.get(i).numel());
                HostBuffers.copyIn(Tensor.zeros(b.dtype, n), 0, n, b.buffer, offsetIn[i]);
                markReady(i);
            }
            usedCounts = new long[ready.length];
            Arrays.fill(usedCounts, 1);
            for (int i : unused) {
                usedCounts[i] = 0;
            }
            used = Tensor.of(usedCounts);
        }
        awaitStarted();
        if (used != null) {
            group.allReduce(used);
            usedCounts = used.toLongArray();
        }
        double size = group.size();
        for (int k = 0; k < buckets.size(); k++) {
            Bucket b = buckets.get(k);
            for (int i : b.members) {
                if (usedCounts != null && usedCounts[i] == 0) {
                    continue;
                }
                writeBack(i, b, size);
            }
        }
    }

    private void writeBack(int i, Bucket b, double size) {
        Parameter p = params.get(i);
        Tensor grad = p.grad();
        if (grad == null || !grad.isContiguous() || grad.requiresGrad()) {
            // A gradient used by nobody else: a fresh tensor, as AccumulateGrad gives.
            grad = Tensor.zeros(p.dtype(), p.shape());
            p.setGrad(grad);
        }
        HostBuffers.copyOut(b.buffer, offsetIn[i], Math.toIntExact(p.numel()), grad, 0, size);
    }

    /** Waits for the buckets started in this backward. */
    private void awaitStarted() {
        for (int k = 0; k < nextToStart; k++) {
            await(inFlight[k]);
            inFlight[k] = null;
        }
    }

    private static void await(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("DistributedDataParallel: interrupted while waiting for a gradient all-reduce", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("DistributedDataParallel: gradient all-reduce failed: " + e.getCause(), e.getCause());
        }
    }
}
