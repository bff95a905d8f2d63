package dev.nabla.distributed;

import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.backend.cpu.CpuStorage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sums CPU tensors across the ranks of one machine through a memory segment that every rank
 * maps, instead of handing the tensor to MPI: what {@link MpiProcessGroup#allReduce} does when
 * all ranks share a node.
 *
 * <p>Note [Shared-memory all-reduce]: the tensor is reduced one piece of at most
 * {@link #PIECE_BYTES} at a time; each piece is cut into {@code size} chunks, chunk {@code c}
 * owned by rank {@code c}. The segment holds, for each rank, three contribution areas and two
 * result areas, each laid out as one piece; piece {@code k} uses contribution area
 * {@code k % 3} and result area {@code k % 2}. Every rank {@code r} first copies each chunk of
 * piece 0 it does not own from its tensor into its contribution area; then, for piece
 * {@code k}, it
 * <ol>
 *   <li>arrives at a barrier (MPI's non-blocking one);
 *   <li>copies the chunks of piece {@code k + 1} it does not own into their contribution area,
 *       and waits for the other ranks to arrive;
 *   <li>copies each chunk of piece {@code k - 1} it does not own from its owner's result area
 *       into its tensor;
 *   <li>sums its own chunk of piece {@code k} over the ranks in rank order (its own values from
 *       its tensor, the others' from their contribution areas) into its tensor and its result
 *       area.
 * </ol>
 * A last barrier, and the chunks of the last piece are copied as in step 3. So one barrier per
 * piece publishes both the contributions of a piece and the sums of the piece before, a rank
 * waiting for a slower one copies its next piece meanwhile, and each element crosses memory a
 * few times in the rank's own process (the tensor is read and written once, the others' values
 * read once), where the MPI path copies the whole tensor into a direct buffer and back and MPI
 * moves and sums it in between. Three contribution areas suffice: the area of piece
 * {@code k + 1} last held piece {@code k - 2}, which every rank finished summing before it
 * arrived at the barrier of {@code k - 1}, which this rank has passed (or, for a call's first
 * pieces, the last barrier of the call before); and no rank reads it before the barrier of
 * {@code k + 1}, at which this rank arrives after writing it. Two result areas suffice: the
 * area of piece {@code k} is written after the barrier of {@code k}, read in step 3 of
 * {@code k + 1}, before each rank arrives at the barrier of {@code k + 2} (or of the next
 * call), and written again only after it. Each element is summed once, by its owner, as
 * {@code ((x0 + x1) + x2) + ...}: every rank ends bit-identical, and equal to summing the ranks'
 * tensors in order in one process. The barriers are MPI's, which order the ranks' writes to the
 * segment before the others' reads.
 */
final class SharedMemoryAllReduce {
    /**
     * The piece reduced per barrier. Measured with two ranks on the 2-core development machine
     * (allreduce_16m, jobs interleaved, still waiting at each barrier before copying the next
     * piece): with the ranks at real-time priority, to stand for an idle machine, 256 KiB
     * 2.7-3.0 GB/s, 1 MiB 2.9-3.3, 4 MiB 3.1-3.6 (3 to 5 jobs each); under other builds' load
     * (load average 13-19), medians of 5 jobs 1 MiB 3.1, 4 MiB 2.0. At 1 MiB a piece fits a
     * core's 1 MiB L2 cache between its copy and its sum.
     */
    static final int PIECE_BYTES = 1 << 20;

    /**
     * The system property that, set to {@code false}, keeps {@link MpiProcessGroup#allReduce} on
     * MPI where all ranks share a node. Here rather than there, as that class compiles only
     * with Open MPI's binding and the tests name the property without it.
     */
    static final String ENABLED_PROPERTY = "nabla.distributed.sharedMemory";

    /** A barrier of the group's ranks, in two halves, so that a rank can work between arriving and waiting. */
    @FunctionalInterface
    interface Barrier {
        /** Tells the other ranks this one has arrived, without waiting; throws if the group failed. */
        Arrival arrive();
    }

    /** One rank's arrival at a {@link Barrier}. */
    @FunctionalInterface
    interface Arrival {
        /** Returns once every rank has arrived; throws if the group failed. */
        void await();
    }

    private final int rank;
    private final int size;
    /** Per rank, its contribution areas, for pieces {@code k % 3}. */
    private final ByteBuffer[][] contribution;
    /** Per rank, its result areas, for pieces {@code k % 2}. */
    private final ByteBuffer[][] result;
    /**
     * Per dtype, two pieces' worth of elements (a chunk is at most a piece) to sum in the heap,
     * where the JIT vectorizes the loops; allocated on first use.
     */
    private float[][] floats;
    private double[][] doubles;
    private long[][] longs;

    /**
     * @param segment memory shared by all ranks of the group (the same bytes in every rank), at
     *     least {@link #segmentBytes(int)} long
     * @param rank this process's rank, {@code 0 .. size-1}
     * @param size the number of ranks
     */
    SharedMemoryAllReduce(ByteBuffer segment, int rank, int size) {
        if (segment.capacity() < segmentBytes(size)) {
            throw new IllegalArgumentException("a shared segment for " + size + " ranks needs " + segmentBytes(size)
                    + " bytes, got " + segment.capacity());
        }
        this.rank = rank;
        this.size = size;
        contribution = new ByteBuffer[size][3];
        result = new ByteBuffer[size][2];
        for (int q = 0; q < size; q++) {
            for (int i = 0; i < 3; i++) {
                contribution[q][i] = area(segment, 5 * q + i);
            }
            for (int parity = 0; parity < 2; parity++) {
                result[q][parity] = area(segment, 5 * q + 3 + parity);
            }
        }
    }

    /** The bytes of shared memory a group of {@code size} ranks needs. */
    static long segmentBytes(int size) {
        return 5L * size * PIECE_BYTES;
    }

    private static ByteBuffer area(ByteBuffer segment, int index) {
        return segment.slice(index * PIECE_BYTES, PIECE_BYTES).order(ByteOrder.nativeOrder());
    }

    /**
     * Replaces contiguous CPU tensor {@code t} (float32, float64 or int64, the same shape on
     * every rank) by the sum over the ranks. Every rank of the group must call it, with
     * {@code barrier} meeting the same ranks, and nothing else may use the segment meanwhile.
     */
    void allReduce(Tensor t, Barrier barrier) {
        int perPiece = PIECE_BYTES / t.dtype().byteSize();
        long numel = t.numel();
        long pieces = (numel + perPiece - 1) / perPiece;
        if (pieces > 0) {
            contribute(t, 0, perPiece);
        }
        for (long k = 0; k < pieces; k++) {
            long from = k * perPiece;
            int n = (int) Math.min(perPiece, numel - from);
            int parity = (int) (k & 1);
            Arrival arrival = barrier.arrive();
            if (k + 1 < pieces) {
                contribute(t, k + 1, perPiece);
            }
            arrival.await();
            if (k > 0) {
                collect(t, k - 1, perPiece);
            }
            int start = chunkStart(n, rank);
            int length = chunkStart(n, rank + 1) - start;
            sumChunk(t, from + start, length, start, (int) (k % 3));
            HostBuffers.copyIn(t, from + start, length, result[rank][parity], start);
        }
        if (pieces > 0) {
            barrier.arrive().await();
            collect(t, pieces - 1, perPiece);
        }
    }

    /** Copies the chunks of piece {@code k} that other ranks own from {@code t} into this rank's contribution area. */
    private void contribute(Tensor t, long k, int perPiece) {
        long from = k * perPiece;
        int n = (int) Math.min(perPiece, t.numel() - from);
        for (int c = 0; c < size; c++) {
            if (c != rank) {
                HostBuffers.copyIn(t, from + chunkStart(n, c), chunkStart(n, c + 1) - chunkStart(n, c),
                        contribution[rank][(int) (k % 3)], chunkStart(n, c));
            }
        }
    }

    /** Copies the chunks of piece {@code k} that other ranks own from their result areas into {@code t}. */
    private void collect(Tensor t, long k, int perPiece) {
        long from = k * perPiece;
        int n = (int) Math.min(perPiece, t.numel() - from);
        for (int c = 0; c < size; c++) {
            if (c != rank) {
                HostBuffers.copyOut(result[c][(int) (k & 1)], chunkStart(n, c), chunkStart(n, c + 1) - chunkStart(n, c), t,
                        from + chunkStart(n, c), 1);
            }
        }
    }

    /** Where chunk {@code c} of a piece of {@code n} elements starts; chunk {@code size} is the piece's end. */
    private int chunkStart(int n, int c) {
        return (int) ((long) n * c / size);
    }

    /**
     * Sums this rank's chunk, elements {@code [from, from + n)} of {@code t} and {@code at} of
     * each rank's contribution area {@code area}, over the ranks in rank order, into {@code t}:
     * the ranks before this one into a scratch chunk, which is added to this rank's values
     * ({@code +} commutes exactly, so {@code p + x} and {@code x + p} are the same bits), then the
     * ranks after it.
     */
    private void sumChunk(Tensor t, long from, int n, int at, int area) {
        CpuStorage s = (CpuStorage) t.storage();
        int off = Math.toIntExact(t.storageOffset() + from);
        switch (t.dtype()) {
            case FLOAT32 -> sumFloats(s.floats(), off, n, at, area);
            case FLOAT64 -> sumDoubles(s.doubles(), off, n, at, area);
            case INT64 -> sumLongs(s.longs(), off, n, at, area);
            default -> throw new IllegalArgumentException("allReduce: unsupported dtype " + t.dtype().torchName());
        }
    }

    private void sumFloats(float[] a, int off, int n, int at, int area) {
        if (floats == null) {
            floats = new float[2][PIECE_BYTES / Float.BYTES];
        }
        float[] before = floats[0];
        float[] other = floats[1];
        if (rank > 0) {
            contribution[0][area].asFloatBuffer().get(at, before, 0, n);
            for (int q = 1; q < rank; q++) {
                contribution[q][area].asFloatBuffer().get(at, other, 0, n);
                for (int i = 0; i < n; i++) {
                    before[i] += other[i];
                }
            }
            for (int i = 0; i < n; i++) {
                a[off + i] += before[i];
            }
        }
        for (int q = rank + 1; q < size; q++) {
            contribution[q][area].asFloatBuffer().get(at, other, 0, n);
            for (int i = 0; i < n; i++) {
                a[off + i] += other[i];
            }
        }
    }

    private void sumDoubles(double[] a, int off, int n, int at, int area) {
        if (doubles == null) {
            doubles = new double[2][PIECE_BYTES / Double.BYTES];
        }
        double[] before = doubles[0];
        double[] other = doubles[1];
        if (rank > 0) {
            contribution[0][area].asDoubleBuffer().get(at, before, 0, n);
            for (int q = 1; q < rank; q++) {
                contribution[q][area].asDoubleBuffer().get(at, other, 0, n);
                for (int i = 0; i < n; i++) {
                    before[i] += other[i];
                }
            }
            for (int i = 0; i < n; i++) {
                a[off + i] += before[i];
            }
        }
        for (int q = rank + 1; q < size; q++) {
            contribution[q][area].asDoubleBuffer().get(at, other, 0, n);
            for (int i = 0; i < n; i++) {
                a[off + i] += other[i];
            }
        }
    }

    private void sumLongs(long[] a, int off, int n, int at, int area) {
        if (longs == null) {
            longs = new long[2][PIECE_BYTES / Long.BYTES];
        }
        long[] before = longs[0];
        long[] other = longs[1];
        if (rank > 0) {
            contribution[0][area].asLongBuffer().get(at, before, 0, n);
            for (int q = 1; q < rank; q++) {
                contribution[q][area].asLongBuffer().get(at, other, 0, n);
                for (int i = 0; i < n; i++) {
                    before[i] += other[i];
                }
            }
            for (int i = 0; i < n; i++) {
                a[off + i] += before[i];
            }
        }
        for (int q = rank + 1; q < size; q++) {
            contribution[q][area].asLongBuffer().get(at, other, 0, n);
            for (int i = 0; i < n; i++) {
                a[off + i] += other[i];
            }
        }
    }
}
