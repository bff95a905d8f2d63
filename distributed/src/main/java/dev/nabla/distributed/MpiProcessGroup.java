package dev.nabla.distributed;

import dev.nabla.DType;
import dev.nabla.Tensor;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import mpi.Comm;
import mpi.Datatype;
import mpi.MPI;
import mpi.MPIException;
import mpi.Request;

/**
 * {@link ProcessGroup} over Open MPI's Java binding and {@code MPI_COMM_WORLD}. Every MPI
 * call, from {@code MPI_Init_thread} on, runs on one thread of the group's own (the
 * communication thread), so the order of collectives is the order of the calls on every rank,
 * whichever thread asked, and user code never blocks backward while a bucket is reduced.
 */
final class MpiProcessGroup extends ProcessGroup {
    private static final AtomicBoolean JOINED = new AtomicBoolean();

    private final ExecutorService comm;
    private final int rank;
    private final int size;
    /** Staging for {@link #allReduce} and {@link #broadcast}; used on the communication thread only. */
    private ByteBuffer staging;
    private final AtomicLong allReduceNanos = new AtomicLong();
    private volatile boolean closed;

    private MpiProcessGroup(ExecutorService comm, int rank, int size) {
        this.comm = comm;
        this.rank = rank;
        this.size = size;
    }

    /** What {@link ProcessGroup#mpi()} calls. */
    static ProcessGroup join() {
        if (!JOINED.compareAndSet(false, true)) {
            throw new IllegalStateException("ProcessGroup.mpi: MPI was already joined in this process (it can be"
                    + " initialized once); pass the first ProcessGroup along");
        }
        ExecutorService comm = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nabla-mpi");
            // A rank that fails must be able to exit while a collective waits for the others.
            t.setDaemon(true);
            return t;
        });
        int[] rankSize = await("ProcessGroup.mpi", comm.submit(() -> {
            MPI.InitThread(new String[0], MPI.THREAD_MULTIPLE);
            return new int[] {MPI.COMM_WORLD.getRank(), MPI.COMM_WORLD.getSize()};
        }));
        MpiProcessGroup group = new MpiProcessGroup(comm, rankSize[0], rankSize[1]);
        group.abortOnUncaughtException();
        Runtime.getRuntime().addShutdownHook(new Thread(group::finalizeMpi, "nabla-mpi-finalize"));
        return group;
    }

    /** See Note [Failing rank] on {@link ProcessGroup}. */
    private void abortOnUncaughtException() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            System.err.println("rank " + rank + " of " + size + " failed on thread " + thread.getName()
                    + "; aborting the job");
            failure.printStackTrace();
            System.err.flush();
            if (previous != null) {
                previous.uncaughtException(thread, failure);
            }
            try {
                // MPI_THREAD_MULTIPLE: any thread may abort, even while the communication thread waits.
                MPI.COMM_WORLD.abort(1);
            } catch (MPIException e) {
                Runtime.getRuntime().halt(1);
            }
        });
    }

    private void finalizeMpi() {
        comm.submit(() -> {
            MPI.Finalize();
            return null;
        });
        comm.shutdown();
        try {
            comm.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void allReduce(Tensor tensor) {
        HostBuffers.checkCollective("allReduce", tensor);
        run("allReduce", () -> {
            long started = System.nanoTime();
            chunked(tensor, (buffer, n) -> MPI.COMM_WORLD.allReduce(buffer, n, datatype(tensor.dtype()), MPI.SUM));
            allReduceNanos.addAndGet(System.nanoTime() - started);
            return null;
        });
    }

    @Override
    public void broadcast(Tensor tensor, int root) {
        if (root < 0 || root >= size) {
            throw new IllegalArgumentException("broadcast: root " + root + " is not a rank of this group of size " + size);
        }
        HostBuffers.checkCollective("broadcast", tensor);
        run("broadcast", () -> {
            chunked(tensor, (buffer, n) -> MPI.COMM_WORLD.bcast(buffer, n, datatype(tensor.dtype()), root));
            return null;
        });
    }

    @Override
    public void barrier() {
        run("barrier", () -> {
            MPI.COMM_WORLD.barrier();
            return null;
        });
    }

    @Override
    public void close() {
        if (!closed) {
            // Collectives submitted before close still run; wait for them, then refuse new ones.
            run("close", () -> null);
            closed = true;
        }
    }

    @Override
    Future<?> allReduceAsync(ByteBuffer buffer, DType dtype, int count) {
        checkOpen("allReduce");
        return comm.submit(() -> {
            long started = System.nanoTime();
            Comm world = MPI.COMM_WORLD;
            Datatype type = datatype(dtype);
            int perChunk = CHUNK_BYTES / dtype.byteSize();
            int chunks = (count + perChunk - 1) / perChunk;
            // All chunks in flight at once: MPI pipelines them.
            Request[] requests = new Request[chunks];
            for (int c = 0; c < chunks; c++) {
                int from = c * perChunk;
                int n = Math.min(perChunk, count - from);
                ByteBuffer piece = buffer.slice(from * dtype.byteSize(), n * dtype.byteSize());
                requests[c] = world.iAllReduce(piece, n, type, MPI.SUM);
            }
            Request.waitAll(requests);
            for (Request r : requests) {
                r.free();
            }
            allReduceNanos.addAndGet(System.nanoTime() - started);
            return null;
        });
    }

    @Override
    long allReduceNanos() {
        return allReduceNanos.get();
    }

    /** One MPI call on a piece of a tensor staged in a direct buffer. */
    @FunctionalInterface
    private interface ChunkCall {
        void apply(ByteBuffer buffer, int count) throws MPIException;
    }

    /** Runs {@code call} on each piece of at most {@link #CHUNK_BYTES} of {@code t}, copying it in and back out. */
    private void chunked(Tensor t, ChunkCall call) throws MPIException {
        if (staging == null) {
            staging = HostBuffers.allocate(CHUNK_BYTES);
        }
        int perChunk = CHUNK_BYTES / t.dtype().byteSize();
        long numel = t.numel();
        for (long from = 0; from < numel; from += perChunk) {
            int n = (int) Math.min(perChunk, numel - from);
            HostBuffers.copyIn(t, from, n, staging, 0);
            call.apply(staging, n);
            HostBuffers.copyOut(staging, 0, n, t, from, 1);
        }
    }

    private static Datatype datatype(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> MPI.FLOAT;
            case FLOAT64 -> MPI.DOUBLE;
            case INT64 -> MPI.LONG;
            default -> throw new IllegalArgumentException("unsupported dtype " + dtype.torchName());
        };
    }

    private void checkOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + ": the process group is closed");
        }
    }

    /** Runs {@code call} on the communication thread and waits for it. */
    private <T> T run(String op, Callable<T> call) {
        checkOpen(op);
        return await(op, comm.submit(call));
    }

    private static <T> T await(String op, Future<T> future) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    // A collective cannot be abandoned half way: the other ranks are in it too.
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(op + ": " + cause.getMessage(), cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
