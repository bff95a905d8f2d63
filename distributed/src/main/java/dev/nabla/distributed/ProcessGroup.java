package dev.nabla.distributed;

import dev.nabla.DType;
import dev.nabla.Tensor;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.util.concurrent.Future;

/**
 * The processes of one data-parallel job and the collectives between them (PyTorch's
 * {@code ProcessGroup}). {@link #mpi()} joins MPI's world communicator: the processes are
 * the ranks {@code mpirun} (or Slurm's {@code srun --mpi=pmix}) started, numbered
 * {@code 0 .. size()-1}. Every rank must call the same collectives in the same order, each
 * with a tensor of the same shape and dtype.
 *
 * <p>Collectives work in place on contiguous CPU tensors of float32, float64 or int64, staged
 * through direct buffers of at most {@link #CHUNK_BYTES} (the binding copies a heap array on
 * every call, about 100x slower, and single calls of 32 MB and more measured 20x slower than
 * 4 MB ones). Where every rank runs on one machine, {@link #allReduce} instead sums through
 * shared memory that the ranks map, with MPI only for the barriers between pieces (about twice
 * as fast with two ranks on the 2-core development machine; system property
 * {@code nabla.distributed.sharedMemory=false} keeps it on MPI). Collectives write the tensor's
 * storage directly and bump its version, as any in-place op, without recording anything for
 * autograd.
 *
 * <p>Note [Failing rank]: a rank that throws must not leave the others waiting forever in a
 * collective. {@link #mpi()} therefore installs a default uncaught-exception handler that
 * prints the rank and the exception and aborts the whole job ({@code MPI_Abort}), and
 * {@link #close()} does not finalize MPI (finalizing waits for every rank, which a rank
 * blocked in a collective never reaches); MPI is finalized when the JVM exits normally.
 */
public abstract class ProcessGroup implements AutoCloseable {
    /** The largest piece a collective hands MPI in one call: 4 MiB. */
    public static final int CHUNK_BYTES = 4 << 20;

    ProcessGroup() {}

    /**
     * Joins the MPI job this process was started in (a single rank of its own when started
     * without {@code mpirun}). MPI can be joined once per process.
     *
     * @throws IllegalStateException if this build has no MPI binding (it is built by
     *     {@code distributed/mpi/build-binding.sh} where Open MPI is installed), the native
     *     library {@code libmpi_java.so} does not load, or MPI was joined before
     */
    public static ProcessGroup mpi() {
        Class<?> impl;
        try {
            impl = Class.forName("dev.nabla.distributed.MpiProcessGroup");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("ProcessGroup.mpi: this build of nabla-distributed has no MPI binding; install"
                    + " Open MPI (apt-get install openmpi-bin libopenmpi-dev), run distributed/mpi/build-binding.sh"
                    + " and rebuild", e);
        }
        try {
            return (ProcessGroup) impl.getDeclaredMethod("join").invoke(null);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("ProcessGroup.mpi: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ProcessGroup.mpi: " + e, e);
        }
    }

    /** This process's rank, {@code 0 .. size()-1}. */
    public abstract int rank();

    /** The number of processes in the group. */
    public abstract int size();

    /**
     * Replaces {@code tensor} on every rank by the elementwise sum of all ranks' tensors. Where
     * all ranks share a machine the sum is the same bits on every rank, summed in rank order
     * ({@code ((x0 + x1) + x2) + ...}).
     *
     * @throws IllegalArgumentException if the tensor is not a contiguous CPU tensor of float32, float64 or int64
     * @throws IllegalStateException if the group is closed or MPI fails
     */
    public abstract void allReduce(Tensor tensor);

    /**
     * Copies rank {@code root}'s {@code tensor} into {@code tensor} on every other rank.
     *
     * @throws IllegalArgumentException if {@code root} is not a rank of the group, or the tensor is not a
     *     contiguous CPU tensor of float32, float64 or int64
     * @throws IllegalStateException if the group is closed or MPI fails
     */
    public abstract void broadcast(Tensor tensor, int root);

    /**
     * Returns once every rank has called it.
     *
     * @throws IllegalStateException if the group is closed or MPI fails
     */
    public abstract void barrier();

    /**
     * Waits for the collectives under way and stops accepting new ones. MPI itself is finalized
     * when the JVM exits normally (see Note [Failing rank]).
     */
    @Override
    public abstract void close();

    /**
     * Starts summing, across ranks and in place, the first {@code count} elements of
     * {@code buffer} (direct, in native order, elements of {@code dtype}), on the group's
     * communication thread, in the order of the calls: what {@link DistributedDataParallel}
     * hands a bucket of gradients to while backward goes on.
     *
     * @return completes when the sum is in {@code buffer}; fails with what MPI threw
     */
    abstract Future<?> allReduceAsync(ByteBuffer buffer, DType dtype, int count);

    /** Nanoseconds the communication thread has spent in all-reduce calls so far, for throughput reports. */
    abstract long allReduceNanos();
}
