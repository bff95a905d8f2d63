package dev.nabla.distributed;

import dev.nabla.DType;
import dev.nabla.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import mpi.Comm;
import mpi.Datatype;
import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;
import mpi.Request;

/**
 * {@link ProcessGroup} over Open MPI's Java binding and {@code MPI_COMM_WORLD}. Every MPI
 * call, from {@code MPI_Init_thread} on, runs on one thread of the group's own (the
 * communication thread), so the order of collectives is the order of the calls on every rank,
 * whichever thread asked, and user code never blocks backward while a bucket is reduced. Where
 * every rank runs on this node, {@link #allReduce} sums through {@link SharedMemoryAllReduce}
 * (Note [Shared-memory all-reduce]) on that thread too, with MPI's barrier between pieces.
 */
final class MpiProcessGroup extends ProcessGroup {
    private static final AtomicBoolean JOINED = new AtomicBoolean();
    /** The longest path of a shared segment's file that rank 0 can hand the others. */
    private static final int MAX_PATH_BYTES = 4096;
    /**
     * The piece a staged collective ({@link #broadcast}, and {@link #allReduce} where the ranks
     * span several nodes) copies and hands MPI at a time. Measured with two ranks on
     * the 2-core development machine (allreduce_16m, medians of 7 interleaved runs under other
     * builds' load): 512 KiB 1.8 GB/s and 1 MiB 1.4, within the noise of each other (a separate
     * profile of the same loop had 1 MiB ahead, 1.8 against 1.4), 2 MiB 0.1, 4 MiB 0.2. 1 MiB
     * takes half the hand-offs of 512 KiB; a piece this size stays in cache between the copy
     * in, MPI's reduction and the copy out.
     */
    private static final int STAGE_BYTES = 1 << 20;

    private final ExecutorService comm;
    private final int rank;
    private final int size;
    /**
     * The direct buffers staged collectives pass a tensor through, one
     * piece each, allocated once; guarded by their own monitor, so that one collective's pieces
     * are handed to the communication thread without another's in between.
     */
    private final ByteBuffer[] staging = {HostBuffers.allocate(STAGE_BYTES), HostBuffers.allocate(STAGE_BYTES)};
    /** Where all ranks share a node (and it is not switched off), what {@link #allReduce} sums through; else null. */
    private final SharedMemoryAllReduce local;
    private final AtomicLong allReduceNanos = new AtomicLong();
    private volatile boolean closed;

    private MpiProcessGroup(ExecutorService comm, int rank, int size, SharedMemoryAllReduce local) {
        this.comm = comm;
        this.rank = rank;
        this.size = size;
        this.local = local;
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
        MpiProcessGroup group = await("ProcessGroup.mpi", comm.submit(() -> {
            MPI.InitThread(new String[0], MPI.THREAD_MULTIPLE);
            int rank = MPI.COMM_WORLD.getRank();
            int size = MPI.COMM_WORLD.getSize();
            return new MpiProcessGroup(comm, rank, size, sharedMemory(rank, size));
        }));
        group.abortOnUncaughtException();
        Runtime.getRuntime().addShutdownHook(new Thread(group::finalizeMpi, "nabla-mpi-finalize"));
        return group;
    }

    /**
     * Maps the segment of Note [Shared-memory all-reduce] where every rank runs on this node and
     * {@link SharedMemoryAllReduce#ENABLED_PROPERTY} does not say {@code false}: rank 0 creates a file of the
     * segment's size in {@code /dev/shm} (memory, not disk; the temporary directory where there
     * is none), hands its path to the others, and deletes it once every rank has mapped it, so
     * that from then on the memory lives only as long as the ranks, however the job ends.
     * Returns null, on every rank alike, where
     * that is not so or any rank failed to map the file; {@link #allReduce} then stays on MPI.
     * Runs on the communication thread during {@link #join}; a collective on every rank.
     */
    private static SharedMemoryAllReduce sharedMemory(int rank, int size) throws MPIException {
        if (size == 1 || !Boolean.parseBoolean(System.getProperty(SharedMemoryAllReduce.ENABLED_PROPERTY, "true"))) {
            return null;
        }
        Intracomm node = MPI.COMM_WORLD.splitType(Comm.TYPE_SHARED, rank, MPI.INFO_NULL);
        int nodeSize = node.getSize();
        node.free();
        if (nodeSize != size) {
            return null;
        }
        long bytes = SharedMemoryAllReduce.segmentBytes(size);
        if (bytes > Integer.MAX_VALUE) {
            // More ranks on one node than one mapping of a Java buffer can serve.
            return null;
        }
        ByteBuffer message = HostBuffers.allocate(Integer.BYTES + MAX_PATH_BYTES);
        Path file = null;
        if (rank == 0) {
            try {
                file = createSegmentFile(bytes);
                byte[] path = file.toString().getBytes(StandardCharsets.UTF_8);
                if (path.length <= MAX_PATH_BYTES) {
                    message.putInt(0, path.length).put(Integer.BYTES, path);
                } else {
                    message.putInt(0, -1);
                }
            } catch (IOException e) {
                System.err.println("ProcessGroup.mpi: no shared segment for allReduce (" + e + "); it goes through MPI");
                message.putInt(0, -1);
            }
        }
        MPI.COMM_WORLD.bcast(message, message.capacity(), MPI.BYTE, 0);
        int length = message.getInt(0);
        if (length < 0) {
            deleteQuietly(file);
            return null;
        }
        byte[] path = new byte[length];
        message.get(Integer.BYTES, path);
        ByteBuffer segment = null;
        try (FileChannel channel = FileChannel.open(Path.of(new String(path, StandardCharsets.UTF_8)),
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
        } catch (IOException e) {
            System.err.println("ProcessGroup.mpi: rank " + rank + " cannot map the shared segment for allReduce (" + e
                    + "); it goes through MPI");
        }
        ByteBuffer mapped = HostBuffers.allocate(Integer.BYTES);
        mapped.putInt(0, segment == null ? 0 : 1);
        MPI.COMM_WORLD.allReduce(mapped, 1, MPI.INT, MPI.MIN);
        deleteQuietly(file);
        return mapped.getInt(0) == 1 ? new SharedMemoryAllReduce(segment, rank, size) : null;
    }

    /**
     * A file of {@code bytes} zeros for the shared segment. Written rather than only sized, so
     * that a full {@code /dev/shm} shows here as an IOException, not later as a crash when a
     * rank first touches a page the file system cannot give.
     */
    private static Path createSegmentFile(long bytes) throws IOException {
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        Path file = Files.createTempFile(dir, "nabla-allreduce-", ".shm");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(1 << 16);
            for (long written = 0; written < bytes; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - written));
                written += channel.write(zeros, written);
            }
        } catch (IOException e) {
            deleteQuietly(file);
            throw e;
        }
        return file;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                System.err.println("ProcessGroup.mpi: cannot delete " + file + ": " + e);
            }
        }
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
        long started = System.nanoTime();
        if (local != null) {
            run("allReduce", () -> {
                local.allReduce(tensor, () -> {
                    try {
                        Request arrival = MPI.COMM_WORLD.iBarrier();
                        return () -> {
                            try {
                                arrival.waitFor();
                                arrival.free();
                            } catch (MPIException e) {
                                throw new IllegalStateException("allReduce: " + e.getMessage(), e);
                            }
                        };
                    } catch (MPIException e) {
                        throw new IllegalStateException("allReduce: " + e.getMessage(), e);
                    }
                });
                return null;
            });
        } else {
            staged("allReduce", tensor, (buffer, n) -> MPI.COMM_WORLD.allReduce(buffer, n, datatype(tensor.dtype()), MPI.SUM));
        }
        allReduceNanos.addAndGet(System.nanoTime() - started);
    }

    @Override
    public void broadcast(Tensor tensor, int root) {
        if (root < 0 || root >= size) {
            throw new IllegalArgumentException("broadcast: root " + root + " is not a rank of this group of size " + size);
        }
        HostBuffers.checkCollective("broadcast", tensor);
        staged("broadcast", tensor, (buffer, n) -> MPI.COMM_WORLD.bcast(buffer, n, datatype(tensor.dtype()), root));
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

    /**
     * Runs {@code call} on each piece of {@code t}, staged through {@link #staging} and
     * pipelined: while the communication thread has MPI work on one buffer, the calling thread
     * copies the next piece into the other and the finished piece back out, so the copies, which
     * took as long as MPI's part when done in turn, overlap it. Measured on the 2-core
     * development machine (allreduce_16m, ranks yielding, interleaved with copy, MPI call and
     * copy in turn on the communication thread): under other builds' load, medians of 10 runs
     * 1.9 against 0.9 GB/s; in a quieter spell (memcpy 6-10 GB/s) 1.7 against 2.3 in 3 runs,
     * where no core is left idle for the overlap and each piece costs two thread hand-offs.
     * Waits for every piece it handed over, also when one fails, so no buffer is still in MPI's
     * hands when it returns.
     */
    private void staged(String op, Tensor t, ChunkCall call) {
        checkOpen(op);
        int perPiece = STAGE_BYTES / t.dtype().byteSize();
        long numel = t.numel();
        synchronized (staging) {
            Future<?>[] inFlight = new Future<?>[staging.length];
            long[] pieceFrom = new long[staging.length];
            int[] pieceCount = new int[staging.length];
            try {
                int slot = 0;
                for (long from = 0; from < numel; from += perPiece) {
                    if (inFlight[slot] != null) {
                        finishPiece(op, inFlight, slot, t, pieceFrom[slot], pieceCount[slot]);
                    }
                    int n = (int) Math.min(perPiece, numel - from);
                    ByteBuffer buffer = staging[slot];
                    HostBuffers.copyIn(t, from, n, buffer, 0);
                    pieceFrom[slot] = from;
                    pieceCount[slot] = n;
                    inFlight[slot] = comm.submit(() -> {
                        call.apply(buffer, n);
                        return null;
                    });
                    slot = (slot + 1) % staging.length;
                }
                // The older piece first: the communication thread finishes them in order.
                for (int i = 0; i < staging.length; i++, slot = (slot + 1) % staging.length) {
                    if (inFlight[slot] != null) {
                        finishPiece(op, inFlight, slot, t, pieceFrom[slot], pieceCount[slot]);
                    }
                }
            } finally {
                for (Future<?> f : inFlight) {
                    if (f != null) {
                        awaitQuietly(f);
                    }
                }
            }
        }
    }

    /** Waits for the piece in {@code slot} and copies it from its buffer into {@code t}. */
    private void finishPiece(String op, Future<?>[] inFlight, int slot, Tensor t, long from, int n) {
        await(op, inFlight[slot]);
        inFlight[slot] = null;
        HostBuffers.copyOut(staging[slot], 0, n, t, from, 1);
    }

    /** Waits for {@code f} to end, whatever its outcome: a failure is already being reported. */
    private static void awaitQuietly(Future<?> f) {
        boolean interrupted = false;
        while (!f.isDone()) {
            try {
                f.get();
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | CancellationException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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
