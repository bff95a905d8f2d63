package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads packed {@code Layout} and {@code Rows} structs back as the kernels do (their contract):
 * little-endian longs in field order, and the index arithmetic every kernel performs on them.
 * The tests run the host's structs through it against plain Java loops.
 */
final class StructReader {
    private final ByteBuffer b;

    StructReader(byte[] packed) {
        this.b = ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** All the struct's longs, in field order. */
    static long[] longs(byte[] packed) {
        ByteBuffer b = ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[packed.length / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getLong();
        }
        return out;
    }

    /** The {@code i}-th long of the struct. */
    long at(int i) {
        return b.getLong(8 * i);
    }

    // Layout: numel, nd, shape[8], stride[4][8], offset[4].

    static final int L_NUMEL = 0;
    static final int L_ND = 1;
    static final int L_SHAPE = 2;
    static final int L_STRIDE = 10;
    static final int L_OFFSET = 42;

    /** Operand {@code k}'s element index for linear index {@code i}, as a Layout kernel computes it. */
    long layoutElement(int k, long i) {
        int nd = (int) at(L_ND);
        if (nd == 1) {
            return at(L_OFFSET + k) + i * at(L_STRIDE + 8 * k);
        }
        long off = at(L_OFFSET + k);
        long rem = i;
        for (int d = nd - 1; d >= 0; d--) {
            long size = at(L_SHAPE + d);
            off += (rem % size) * at(L_STRIDE + 8 * k + d);
            rem /= size;
        }
        return off;
    }

    // Rows: rows, len, keepNd, keepShape[8], keepIn[8], keepOut[8], redNd, redShape[8], redIn[8], redOut[8],
    // inOffset, outOffset.

    static final int R_ROWS = 0;
    static final int R_LEN = 1;
    static final int R_KEEP_ND = 2;
    static final int R_KEEP_SHAPE = 3;
    static final int R_KEEP_IN = 11;
    static final int R_KEEP_OUT = 19;
    static final int R_RED_ND = 27;
    static final int R_RED_SHAPE = 28;
    static final int R_RED_IN = 36;
    static final int R_RED_OUT = 44;
    static final int R_IN_OFFSET = 52;
    static final int R_OUT_OFFSET = 53;

    /** Row {@code r}'s element {@code j} in {@code in}. */
    long rowIn(long r, long j) {
        return at(R_IN_OFFSET) + decompose(r, R_KEEP_ND, R_KEEP_SHAPE, R_KEEP_IN) + decompose(j, R_RED_ND, R_RED_SHAPE, R_RED_IN);
    }

    /** Where a reduction writes row {@code r}'s result. */
    long rowOut(long r) {
        return at(R_OUT_OFFSET) + decompose(r, R_KEEP_ND, R_KEEP_SHAPE, R_KEEP_OUT);
    }

    /** Where softmax writes row {@code r}'s element {@code j}. */
    long rowOut(long r, long j) {
        return rowOut(r) + decompose(j, R_RED_ND, R_RED_SHAPE, R_RED_OUT);
    }

    private long decompose(long index, int ndField, int shapeField, int strideField) {
        int nd = (int) at(ndField);
        long off = 0;
        long rem = index;
        for (int d = nd - 1; d >= 0; d--) {
            long size = at(shapeField + d);
            off += (rem % size) * at(strideField + d);
            rem /= size;
        }
        assertEquals(0, rem, "index out of the struct's space");
        return off;
    }

    /** A reduction (SUM) of {@code in} into {@code out} by the kernel's rules. */
    void sum(double[] in, double[] out) {
        for (long r = 0; r < at(R_ROWS); r++) {
            double s = 0;
            for (long j = 0; j < at(R_LEN); j++) {
                s += in[(int) rowIn(r, j)];
            }
            out[(int) rowOut(r)] = s;
        }
    }
}
