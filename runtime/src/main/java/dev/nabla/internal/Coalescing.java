package dev.nabla.internal;

import java.util.Arrays;

/**
 * The iteration space every elementwise kernel walks, on the CPU ({@code Loops}) and on CUDA
 * (the {@code Layout} and {@code Rows} structs): a shape over several operands, each with its
 * own strides, made as flat as the operands allow, so that a contiguous tensor of any shape is
 * one row and its kernel skips all index arithmetic.
 */
public final class Coalescing {
    private Coalescing() {}

    /**
     * {@code shape} and the operands' strides with size-1 dimensions dropped and each dimension
     * merged into the one before it when every operand steps over both as over one (the outer
     * stride is the inner one times the inner size): element 0 is the new shape, element
     * {@code 1 + k} operand {@code k}'s strides. With no dimension left (a shape of ones, or
     * none), one dimension of size 1 and stride 0.
     *
     * @param strides one array per operand, each as long as {@code shape}
     */
    public static long[][] coalesce(long[] shape, long[]... strides) {
        int ops = strides.length;
        long[] sh = new long[Math.max(shape.length, 1)];
        long[][] st = new long[ops][sh.length];
        int m = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                continue;
            }
            if (m > 0 && mergeable(st, m - 1, strides, d, shape[d])) {
                sh[m - 1] *= shape[d];
                for (int k = 0; k < ops; k++) {
                    st[k][m - 1] = strides[k][d];
                }
                continue;
            }
            sh[m] = shape[d];
            for (int k = 0; k < ops; k++) {
                st[k][m] = strides[k][d];
            }
            m++;
        }
        if (m == 0) {
            sh[0] = 1;
            m = 1;
        }
        long[][] out = new long[ops + 1][];
        out[0] = Arrays.copyOf(sh, m);
        for (int k = 0; k < ops; k++) {
            out[k + 1] = Arrays.copyOf(st[k], m);
        }
        return out;
    }

    /** Whether, in every operand, the outer dimension's stride is the inner one's times its size. */
    private static boolean mergeable(long[][] st, int outer, long[][] strides, int d, long size) {
        for (int k = 0; k < st.length; k++) {
            if (st[k][outer] != strides[k][d] * size) {
                return false;
            }
        }
        return true;
    }
}
