package dev.nabla.backend.cuda;

import dev.nabla.internal.Coalescing;
import dev.nabla.internal.Shapes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The kernels' {@code Rows} struct, which reductions, argmax and softmax take: the input seen
 * as {@code rows} rows of {@code len} elements each.
 *
 * <pre>
 * typedef struct {              // 432 bytes, every field a little-endian long long
 *     long long rows;           // number of rows
 *     long long len;            // elements per row
 *     long long keepNd;         // 1..8
 *     long long keepShape[8];   // row index r decomposed over keepShape, last fastest
 *     long long keepIn[8];      // in's stride per kept dim
 *     long long keepOut[8];     // out's stride per kept dim
 *     long long redNd;          // 1..8
 *     long long redShape[8];    // element j of a row decomposed over redShape, last fastest
 *     long long redIn[8];       // in's stride per reduced dim
 *     long long redOut[8];      // out's stride per reduced dim (softmax only; else 0)
 *     long long inOffset;
 *     long long outOffset;
 * } Rows;
 * </pre>
 *
 * Both groups of dimensions are coalesced like a {@link Layout}'s; a group with no dimension
 * left is one dimension of size 1 (a single row, or rows of one element).
 */
final class Rows {
    /** The struct's size in bytes: 54 longs. */
    static final int BYTES = 8 * (3 + 3 * Layout.MAX_DIMS + 1 + 3 * Layout.MAX_DIMS + 2);

    /** Below this many rows a long reduction runs in two passes, so that enough blocks share the work. */
    static final long FEW_ROWS = 256;
    /** The fewest elements per chunk worth a block of their own in the first pass. */
    static final long MIN_CHUNK = 16_384;
    /** How many blocks the first pass of a two-pass reduction aims for. */
    static final long TARGET_BLOCKS = 1024;

    private final long[] keepShape;
    private final long[] keepIn;
    private final long[] keepOut;
    private final long[] redShape;
    private final long[] redIn;
    private final long[] redOut;
    private final long inOffset;
    private final long outOffset;

    /**
     * Rows with these groups of dimensions, each group 1 to 8 dimensions long.
     *
     * @throws UnsupportedOperationException if a group has more than 8 dimensions
     */
    Rows(long[] keepShape, long[] keepIn, long[] keepOut, long[] redShape, long[] redIn, long[] redOut,
         long inOffset, long outOffset) {
        Layout.checkDims(keepShape.length, keepShape);
        Layout.checkDims(redShape.length, redShape);
        if (keepShape.length == 0 || redShape.length == 0) {
            throw new IllegalArgumentException("each group of a Rows struct needs at least one dimension");
        }
        this.keepShape = keepShape;
        this.keepIn = keepIn;
        this.keepOut = keepOut;
        this.redShape = redShape;
        this.redIn = redIn;
        this.redOut = redOut;
        this.inOffset = inOffset;
        this.outOffset = outOffset;
    }

    /**
     * The rows of reducing {@code in} (with {@code shape}, {@code inStride}, {@code inOffset})
     * over {@code dims} into {@code out}, whose shape is {@code shape} with those dimensions of
     * size 1. Both groups are coalesced.
     */
    static Rows reduce(long[] shape, long[] inStride, long inOffset, long[] outStride, long outOffset, int[] dims) {
        boolean[] reduced = new boolean[shape.length];
        for (int d : dims) {
            reduced[d] = true;
        }
        int nKeep = 0;
        for (boolean r : reduced) {
            nKeep += r ? 0 : 1;
        }
        int nRed = shape.length - nKeep;
        long[] ks = new long[nKeep];
        long[] ki = new long[nKeep];
        long[] ko = new long[nKeep];
        long[] rs = new long[nRed];
        long[] ri = new long[nRed];
        for (int d = 0, k = 0, r = 0; d < shape.length; d++) {
            if (reduced[d]) {
                rs[r] = shape[d];
                ri[r++] = inStride[d];
            } else {
                ks[k] = shape[d];
                ki[k] = inStride[d];
                ko[k++] = outStride[d];
            }
        }
        long[][] keep = Coalescing.coalesce(ks, ki, ko);
        long[][] red = Coalescing.coalesce(rs, ri);
        return new Rows(keep[0], keep[1], keep[2], red[0], red[1], new long[red[0].length], inOffset, outOffset);
    }

    /**
     * The rows along one dimension, as argmax and softmax see them: the kept dimensions are
     * coalesced, the row is {@code dim} alone (with {@code out}'s stride along it when
     * {@code writesRows}, as softmax writes a whole row; 0 otherwise).
     */
    static Rows alongDim(long[] shape, long[] inStride, long inOffset, long[] outStride, long outOffset, int dim,
                         boolean writesRows) {
        int n = shape.length - 1;
        long[] ks = new long[n];
        long[] ki = new long[n];
        long[] ko = new long[n];
        for (int d = 0, k = 0; d < shape.length; d++) {
            if (d != dim) {
                ks[k] = shape[d];
                ki[k] = inStride[d];
                ko[k++] = outStride[d];
            }
        }
        long[][] keep = Coalescing.coalesce(ks, ki, ko);
        return new Rows(keep[0], keep[1], keep[2], new long[] {shape[dim]}, new long[] {inStride[dim]},
                new long[] {writesRows ? outStride[dim] : 0}, inOffset, outOffset);
    }

    /** The number of rows. */
    long rows() {
        return Shapes.numel(keepShape);
    }

    /** The number of elements in each row. */
    long len() {
        return Shapes.numel(redShape);
    }

    /**
     * How many chunks to split each row into for a two-pass reduction: at least 2, or 0 when
     * one pass over these rows keeps the device busy enough (many rows, or short ones), or when
     * the chunk dimension would not fit in the struct.
     */
    long chunksPerRow() {
        long rows = rows();
        long len = len();
        if (rows >= FEW_ROWS || len < 2 * MIN_CHUNK) {
            return 0;
        }
        boolean single = keepShape.length == 1 && keepShape[0] == 1;
        if (!single && keepShape.length == Layout.MAX_DIMS) {
            return 0;
        }
        long chunks = Math.min(Math.min(len / MIN_CHUNK, Math.max(2, TARGET_BLOCKS / rows)), redShape[0]);
        return chunks >= 2 ? chunks : 0;
    }

    /**
     * The passes of a two-pass reduction that splits every row's first reduced dimension into
     * {@code chunks} equal chunks and, when it does not divide evenly, a shorter tail chunk.
     * The partial results go to a contiguous buffer of {@code rows() * partialsPerRow(chunks)}
     * elements, row-major over (row, chunk).
     *
     * @return {pass over the whole chunks, pass over the tail chunks or null, pass over the partials}
     */
    Rows[] split(long chunks) {
        long q = redShape[0] / chunks;
        long tail = redShape[0] - chunks * q;
        long per = partialsPerRow(chunks);
        boolean single = keepShape.length == 1 && keepShape[0] == 1;
        // The kept dimensions as the partial buffer sees them: contiguous, `per` partials per row.
        long[] partialStride = Shapes.contiguousStrides(keepShape);
        for (int d = 0; d < partialStride.length; d++) {
            partialStride[d] *= per;
        }
        long[] zeroRed = new long[redShape.length];

        long[] ks1 = single ? new long[] {chunks} : append(keepShape, chunks);
        long[] ki1 = single ? new long[] {q * redIn[0]} : append(keepIn, q * redIn[0]);
        long[] ko1 = single ? new long[] {1} : append(partialStride, 1);
        long[] rs1 = redShape.clone();
        rs1[0] = q;
        Rows whole = new Rows(ks1, ki1, ko1, rs1, redIn.clone(), zeroRed, inOffset, 0);

        Rows tailPass = null;
        if (tail > 0) {
            long[] rsT = redShape.clone();
            rsT[0] = tail;
            tailPass = new Rows(keepShape.clone(), keepIn.clone(), partialStride, rsT, redIn.clone(), zeroRed.clone(),
                    inOffset + chunks * q * redIn[0], chunks);
        }

        Rows combine = new Rows(keepShape.clone(), partialStride.clone(), keepOut.clone(), new long[] {per},
                new long[] {1}, new long[] {0}, 0, outOffset);
        return new Rows[] {whole, tailPass, combine};
    }

    /** Partial results per row of {@link #split}: the chunks, and the tail chunk if there is one. */
    long partialsPerRow(long chunks) {
        return redShape[0] % chunks == 0 ? chunks : chunks + 1;
    }

    private static long[] append(long[] a, long v) {
        long[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }

    /** The struct's bytes, as the kernel receives it by value. */
    byte[] pack() {
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(rows());
        b.putLong(len());
        b.putLong(keepShape.length);
        Layout.putPadded(b, keepShape);
        Layout.putPadded(b, keepIn);
        Layout.putPadded(b, keepOut);
        b.putLong(redShape.length);
        Layout.putPadded(b, redShape);
        Layout.putPadded(b, redIn);
        Layout.putPadded(b, redOut);
        b.putLong(inOffset);
        b.putLong(outOffset);
        return b.array();
    }

    @Override
    public String toString() {
        return "Rows{rows=" + rows() + ", len=" + len() + ", keep=" + Arrays.toString(keepShape) + " in "
                + Arrays.toString(keepIn) + " out " + Arrays.toString(keepOut) + ", red=" + Arrays.toString(redShape)
                + " in " + Arrays.toString(redIn) + " out " + Arrays.toString(redOut) + ", offsets " + inOffset + "/"
                + outOffset + "}";
    }
}
