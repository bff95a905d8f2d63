package dev.nabla.autograd;

import dev.nabla.Autograd;
import dev.nabla.Grad;
import dev.nabla.Tensor;
import dev.nabla.backend.Storage;
import dev.nabla.internal.Shapes;
import dev.nabla.internal.TensorAccess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs the backward graph (see Note [Graph model] on {@link Node}).
 *
 * <p>Note [Iterative execution]: the graph is walked with explicit work lists, never by
 * recursion, so a chain of any length runs in constant Java stack. First a walk from the
 * roots counts, for each node, how many edges lead into it. Then nodes run from a ready
 * queue; a node becomes ready when the last gradient due to it has arrived, so each node
 * runs exactly once with the sum of its incoming gradients.
 *
 * <p>Note [Reentrant backward]: everything a run changes while it walks the graph (the
 * counts of gradients still due, the gradients that have arrived, the ready queue, what
 * {@link Autograd#grad} captures) lives in that run's {@link GraphTask}, never on a
 * {@link Node}; a node carries at most a memo of where the last run keeps its state, which
 * every run checks is its own (see {@code Node.lastTask}). Nodes are otherwise only read, so
 * the same graph can be walked by several runs at once: a node's backward may itself call {@link Autograd#grad} or {@code backward} (as a
 * hand-written checkpoint does, or a backward that needs a derivative of its own), which
 * starts a nested run on the same thread, to any depth, that finishes before the outer
 * node returns; and threads may run backward through graphs that share nodes and leaves.
 * What runs share is guarded where it is written: accumulation into a leaf's {@code grad()}
 * holds that leaf's {@code AccumulateGrad} lock, so concurrent runs into one leaf add up
 * exactly (PyTorch's {@code AccumulateGrad} mutex), and a saved tensor released by one
 * run without {@code retainGraph} reads as freed in the others, the error PyTorch gives.
 *
 * A nested run starts on the same thread while it is less than {@link #MAX_DEPTH} deep, and
 * on a new thread that the caller waits for beyond, so nesting of any depth fits in the
 * threads' stacks (PyTorch hands such runs to a pool for the same reason).
 *
 * <p>For {@link Autograd#grad}, the nodes that lead to none of the requested inputs are
 * pruned, the gradients arriving at the inputs are captured instead of accumulated into
 * {@code grad()}, and no leaf's {@code grad()} changes.
 *
 * <p>Note [Dead gradients]: PyTorch frees an intermediate gradient when its reference count
 * drops to zero, typically right after the node that consumed it ran. Java counts no
 * references, and device memory left to the collector comes back only when it next runs
 * (CudaMemory's Note [Memory that comes back by itself]), so a run frees at once, through
 * {@link Storage#releaseNow} (a no-op on the host), the gradient storages it can prove dead
 * ({@link DeadGradients} keeps the account). A wrong free corrupts a tensor someone still
 * uses, so the rule is narrow:
 * <ul>
 * <li>Only a run without {@code createGraph} (whose graph and leaf gradients may hold any
 *     gradient) that captures nothing ({@link Autograd#grad} hands gradients to its caller)
 *     and has no forward-mode level active (a gradient's tangent is a tensor of its own).
 * <li>The run owns a storage only if it saw it being made: a tensor returned by a node that
 *     keeps no gradients ({@link Node#keepsNoGradients}: Nabla's own derivatives, never a
 *     user's function) whose storage was created during that call ({@link Storage#serial}
 *     above the count read just before it, so no tensor existing before, such as a root
 *     gradient, an input or a saved tensor, views it) and is not one the node saved (a
 *     checkpoint recomputes its saved tensors during the call); or the engine's own sum of two
 *     gradients, or its reduction or conversion of a returned gradient to its input's shape
 *     and dtype. Aliasing is judged by storage, never by tensor: views share one.
 * <li>An owned storage is counted once per buffer slot that holds a tensor viewing it. The
 *     count rises when a node's returned gradients are put into their slots and only then
 *     falls for the gradients the node consumed, so a backward that returns a view of its
 *     input (add, reshape, transpose, expand) keeps that storage alive, and one tensor put
 *     into two slots (add's gradient, a tensor used twice) is counted twice.
 * <li>Handing a gradient to a node that may keep it (a user's function) ends the run's
 *     ownership of its storage for good. A node that keeps no gradients keeps none of its
 *     inputs either: {@link AccumulateGrad} copies the first gradient into the leaf and adds
 *     later ones, and runs its hooks on the leaf, never on the arriving gradient.
 * <li>After a node ran and its gradients were put into their slots, each owned storage no
 *     slot holds is freed. Nothing is freed after a failure: the collector takes the rest.
 * </ul>
 * Each run owns only what it made, so runs on other threads or nested in a node do not
 * interfere. The system property {@code nabla.autograd.freeDeadGradients=false} turns this off.
 */
public final class Engine {
    /** How many runs may nest on one thread before the next one moves to a fresh thread (PyTorch's {@code MAX_DEPTH}). */
    static final int MAX_DEPTH = 60;

    /** Per thread, how many runs are under way on it, nested in one another. */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    /** Per thread, the innermost run executing its nodes there, for {@link #queueCallback}; null outside backward. */
    private static final ThreadLocal<GraphTask> CURRENT = new ThreadLocal<>();

    private Engine() {}

    /**
     * Backpropagates {@code grads} from {@code roots}: what {@link Autograd#backward} and
     * {@link Autograd#grad} run, after checking their arguments.
     *
     * @param roots the tensors whose gradients are given, each requiring grad
     * @param grads one gradient per root, of its shape
     * @param retainGraph keep the nodes' saved tensors for another run
     * @param createGraph record the backward itself, for higher derivatives
     * @param inputs null to accumulate into leaves ({@code backward}); otherwise the tensors
     *     whose gradients are returned ({@code Autograd.grad})
     * @param allowUnused for {@code grad}: a null gradient, instead of an error, for an input the roots do not depend on
     * @return null for {@code backward}; one gradient per input for {@code grad}
     * @throws IllegalStateException if a root does not require grad, a node's backward fails or returns
     *     invalid gradients, or (without {@code allowUnused}) an input is unused
     */
    public static Tensor[] run(Tensor[] roots, Tensor[] grads, boolean retainGraph, boolean createGraph, Tensor[] inputs,
                        boolean allowUnused) {
        int[] depth = DEPTH.get();
        if (depth[0] >= MAX_DEPTH) {
            return onFreshThread(() -> run(roots, grads, retainGraph, createGraph, inputs, allowUnused));
        }
        depth[0]++;
        try {
            return runHere(roots, grads, retainGraph, createGraph, inputs, allowUnused);
        } finally {
            depth[0]--;
        }
    }

    /**
     * Queues {@code callback} to run once the backward run now executing on this thread has
     * run its last node, after every gradient of that run has been accumulated, before
     * {@code backward} returns (PyTorch's {@code Variable._execution_engine.queue_callback}).
     * Meant for hooks, such as a post-accumulate-grad hook that must act once per backward.
     * Callbacks run in the order queued, on the thread of the run; one may queue another. If
     * one throws, the rest are dropped and backward throws what it threw.
     *
     * @throws IllegalStateException if no backward run is executing on this thread
     */
    public static void queueCallback(Runnable callback) {
        GraphTask task = CURRENT.get();
        if (task == null) {
            throw new IllegalStateException("queueCallback: final callbacks can only be installed during the backward pass");
        }
        task.finalCallbacks.add(Objects.requireNonNull(callback, "queueCallback: callback is null"));
    }

    /** Runs {@code run} on a new thread, waits for it, and returns its result or throws what it threw. */
    private static Tensor[] onFreshThread(Supplier<Tensor[]> run) {
        Tensor[][] result = new Tensor[1][];
        Throwable[] failure = new Throwable[1];
        Thread worker = new Thread(() -> {
            try {
                result[0] = run.get();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "nabla-reentrant-backward");
        worker.setDaemon(true);
        worker.start();
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
        return result[0];
    }

    private static Tensor[] runHere(Tensor[] roots, Tensor[] grads, boolean retainGraph, boolean createGraph,
                                    Tensor[] inputs, boolean allowUnused) {
        GraphTask task = new GraphTask(retainGraph, createGraph, inputs == null ? -1 : inputs.length);
        try {
            // The edges into the graph: one per root.
            int r = roots.length;
            GraphTask.NodeTask[] rootTasks = new GraphTask.NodeTask[r];
            int[] rootSlots = new int[r];
            for (int i = 0; i < r; i++) {
                Tensor t = roots[i];
                if (!t.requiresGrad()) {
                    throw new IllegalStateException("element " + i + " of tensors does not require grad and does not have"
                            + " a grad_fn");
                }
                AutogradMeta a = TensorAccess.get().autograd(t);
                rootTasks[i] = task.of(a.node());
                rootSlots[i] = a.slot();
            }
            discover(task);
            if (inputs != null) {
                capture(task, inputs);
            }

            try (Grad.Scope mode = Grad.set(createGraph)) {
                for (int i = 0; i < r; i++) {
                    rootTasks[i].add(rootSlots[i], grads[i]);
                }
                for (GraphTask.NodeTask t : rootTasks) {
                    if (t.dependencies == 0) {
                        t.dependencies = -1;
                        task.ready.add(t);
                    }
                }
                GraphTask outer = CURRENT.get();
                CURRENT.set(task);
                try {
                    execute(task);
                    // Indexed: a callback may queue another.
                    for (int i = 0; i < task.finalCallbacks.size(); i++) {
                        task.finalCallbacks.get(i).run();
                    }
                } finally {
                    CURRENT.set(outer);
                }
            }
        } finally {
            task.forgetMemos();
        }

        if (inputs == null) {
            return null;
        }
        Tensor[] captured = task.captured;
        for (int i = 0; i < captured.length; i++) {
            if (captured[i] == null && !allowUnused) {
                throw new IllegalStateException("grad: one of the differentiated tensors (input " + i + ") appears to not"
                        + " have been used in the graph. Set allowUnused=true if this is the desired behavior.");
            }
        }
        return captured;
    }

    /**
     * Pass 1: reaches every node from the roots already in {@code task}, counting the edges into
     * each. The task's list of nodes is the work list: a node found for the first time is
     * appended to it, so every node is expanded once, in breadth-first order.
     */
    private static void discover(GraphTask task) {
        List<GraphTask.NodeTask> nodes = task.nodes;
        for (int i = 0; i < nodes.size(); i++) {
            for (Node next : nodes.get(i).node.nextNodes) {
                if (next != null) {
                    task.of(next).dependencies++;
                }
            }
        }
    }

    /** For {@code grad()}: records where each input's gradient arrives and marks the nodes that lead there. */
    private static void capture(GraphTask task, Tensor[] inputs) {
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (!t.requiresGrad()) {
                throw new IllegalArgumentException("grad: input " + i + " does not require grad");
            }
            AutogradMeta a = TensorAccess.get().autograd(t);
            GraphTask.NodeTask at = task.find(a.node());
            if (at == null) {
                continue;
            }
            if (at.captures == null) {
                at.captures = new ArrayList<>(1);
            }
            at.captures.add(new int[] {i, a.slot()});
            at.needed = true;
        }
        // Nodes come after some node pointing at them; sweep backwards until nothing changes.
        List<GraphTask.NodeTask> all = task.nodes;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = all.size() - 1; i >= 0; i--) {
                GraphTask.NodeTask n = all.get(i);
                if (n.needed) {
                    continue;
                }
                for (Node next : n.node.nextNodes) {
                    if (next != null && task.find(next).needed) {
                        n.needed = true;
                        changed = true;
                        break;
                    }
                }
            }
        }
    }

    /** Pass 2: runs ready nodes until none is left, passing each one's gradients along its edges. */
    private static void execute(GraphTask task) {
        boolean capturing = task.captured != null;
        DeadGradients dead = task.dead;
        GraphTask.NodeTask current;
        while ((current = task.ready.poll()) != null) {
            Node node = current.node;
            Tensor[] in = current.buffer;
            current.buffer = null;
            if (capturing) {
                if (current.captures != null) {
                    for (int[] c : current.captures) {
                        task.captured[c[0]] = in == null ? null : in[c[1]];
                    }
                }
                if (!current.needed || node instanceof AccumulateGrad) {
                    continue;
                }
            }
            Tensor[] out;
            if (in == null) {
                // Nothing flowed into this node: it only releases its successors.
                out = new Tensor[node.numInputs()];
            } else {
                long mark = 0;
                if (dead != null) {
                    dead.beforeApply(node, in);
                    mark = Storage.createdSoFar();
                }
                out = node.apply(in);
                if (dead != null) {
                    // Before release: a storage the node saved is never the run's to free.
                    dead.adopt(node, out, mark);
                    mark = Storage.createdSoFar();
                }
                if (!task.keepGraph) {
                    node.release();
                }
                validate(node, out);
                if (dead != null) {
                    for (Tensor t : out) {
                        dead.adoptEngineMade(t, mark);
                    }
                }
                if (Autograd.anomalyEnabled()) {
                    checkNaN(node, out);
                }
            }
            Node[] next = node.nextNodes;
            for (int i = 0; i < next.length; i++) {
                if (next[i] == null) {
                    continue;
                }
                GraphTask.NodeTask n = task.find(next[i]);
                if (capturing && !n.needed) {
                    continue;
                }
                if (out[i] != null) {
                    n.add(node.nextSlots[i], out[i]);
                }
                if (--n.dependencies == 0) {
                    n.dependencies = -1;
                    task.ready.add(n);
                }
            }
            if (dead != null) {
                // Only now: an output may view an input, and has just been counted in its new slot.
                if (in != null) {
                    for (Tensor t : in) {
                        if (t != null) {
                            dead.removed(t);
                        }
                    }
                }
                dead.freeUnreferenced();
            }
        }
    }

    /**
     * PyTorch's {@code validate_outputs}, the one check of every gradient a node returns: their
     * count, then each one's shape (summing the dimensions broadcasting added), device and dtype
     * (a floating gradient is converted to its input's dtype) against the input it is for, with
     * an error naming the node and the input ({@link Node#inputName}, else its index). A gradient
     * for an input that needs none is dropped.
     */
    private static void validate(Node node, Tensor[] out) {
        if (node instanceof AccumulateGrad) {
            return;
        }
        int expected = node.numInputs();
        if (out == null || out.length != expected) {
            throw new IllegalStateException("function " + node.name() + " returned an incorrect number of gradients (expected "
                    + expected + ", got " + (out == null ? 0 : out.length) + ")");
        }
        TensorAccess access = TensorAccess.get();
        for (int i = 0; i < expected; i++) {
            Tensor g = out[i];
            if (g == null || node.nextNodes[i] == null) {
                out[i] = null;
                continue;
            }
            long[] want = node.inputShapes[i];
            long[] got = access.shape(g);
            if (!Arrays.equals(got, want)) {
                if (!expandable(want, got)) {
                    throw invalidGradient(node, i, "got " + Shapes.format(got) + " but expected shape compatible with "
                            + Shapes.format(want));
                }
                g = access.sumTo(g, want);
            }
            if (!g.device().equals(node.inputDevices[i])) {
                throw invalidGradient(node, i, "expected device " + node.inputDevices[i] + " but got " + g.device());
            }
            if (g.dtype() != node.inputDTypes[i]) {
                if (!g.dtype().isFloatingPoint()) {
                    throw invalidGradient(node, i, "expected dtype " + node.inputDTypes[i].torchName() + " but got "
                            + g.dtype().torchName());
                }
                g = g.to(node.inputDTypes[i]);
            }
            out[i] = g;
        }
    }

    private static IllegalStateException invalidGradient(Node node, int i, String detail) {
        String input = node.inputName(i);
        String where = input == null ? "at index " + i : "for input '" + input + "' (index " + i + ")";
        return new IllegalStateException("function " + node.name() + " returned an invalid gradient " + where + " - " + detail);
    }

    /** Whether a tensor of shape {@code shape} can be expanded to {@code to}. */
    private static boolean expandable(long[] shape, long[] to) {
        if (shape.length > to.length) {
            return false;
        }
        int lead = to.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != to[i + lead] && shape[i] != 1) {
                return false;
            }
        }
        return true;
    }

    private static void checkNaN(Node node, Tensor[] out) {
        for (int i = 0; i < out.length; i++) {
            Tensor g = out[i];
            if (g != null && g.dtype().isFloatingPoint()) {
                boolean nan;
                try (Grad.Scope off = Grad.disabled()) {
                    nan = anyTrue(g.ne(g).toBooleanArray());
                }
                if (nan) {
                    IllegalStateException e = new IllegalStateException("Function '" + node.name() + "' returned nan values in its "
                            + i + "th output. The forward of " + node.name() + " ran at the stack trace given as the cause.");
                    if (node.forwardTrace != null) {
                        e.initCause(node.forwardTrace);
                    }
                    throw e;
                }
            }
        }
    }

    private static boolean anyTrue(boolean[] b) {
        for (boolean x : b) {
            if (x) {
                return true;
            }
        }
        return false;
    }
}
