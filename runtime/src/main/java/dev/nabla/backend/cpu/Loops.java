package dev.nabla.backend.cpu;

import dev.nabla.Tensor;
import dev.nabla.internal.Coalescing;
import dev.nabla.internal.TensorAccess;
import java.util.Arrays;

/**
 * Walks the index space of a shape for up to four operands with their own strides and
 * offsets, handing the kernel one innermost row at a time, so that kernels are plain loops
 * over arrays that the JIT compiles well.
 *
 * <p>Dimensions are coalesced first ({@link Coalescing}), so a contiguous tensor of any shape is a
 * single row. Large
 * iteration spaces are split across {@link Parallel}'s threads at row or element boundaries.
 */
final class Loops {
    private static final TensorAccess ACCESS = TensorAccess.get();

    /** The body of a kernel: one row of {@code n} elements at offsets {@code o0..o3} with strides {@code s0..s3}. */
    @FunctionalInterface
    interface Row {
        void run(int o0, int s0, int o1, int s1, int o2, int s2, int o3, int s3, int n);
    }

    private Loops() {}

    /** Iterates {@code out}'s shape over {@code out} and {@code a}. */
    static void run(Tensor out, Tensor a, boolean parallel, Row body) {
        run(ACCESS.shape(out), parallel, body, out, a, null, null);
    }

    /** Iterates {@code out}'s shape over {@code out}, {@code a} and {@code b}. */
    static void run(Tensor out, Tensor a, Tensor b, boolean parallel, Row body) {
        run(ACCESS.shape(out), parallel, body, out, a, b, null);
    }

    /** Iterates {@code out}'s shape over four operands. */
    static void run(Tensor out, Tensor a, Tensor b, Tensor c, boolean parallel, Row body) {
        run(ACCESS.shape(out), parallel, body, out, a, b, c);
    }

    /**
     * Iterates {@code shape} over the operands (nulls allowed after the first), each of
     * which has at least {@code shape}'s number of dimensions in its trailing strides.
     */
    static void run(long[] shape, boolean parallel, Row body, Tensor t0, Tensor t1, Tensor t2, Tensor t3) {
        long numel = 1;
        for (long s : shape) {
            numel *= s;
        }
        if (numel == 0) {
            return;
        }
        int ops = t3 != null ? 4 : t2 != null ? 3 : t1 != null ? 2 : 1;
        Tensor[] ts = {t0, t1, t2, t3};
        if (numel < Parallel.ELEMENTWISE_GRAIN || !parallel) {
            int[] flat = flatStrides(shape, ts, ops);
            if (flat != null) {
                body.run(off(t0), flat[0], off(t1), flat[1], off(t2), flat[2], off(t3), flat[3], (int) numel);
                return;
            }
        }
        Plan plan = new Plan(shape, ts, ops);
        if (parallel) {
            Parallel.forRange(numel, Parallel.ELEMENTWISE_GRAIN, (from, to) -> plan.runRange(from, to, body));
        } else {
            plan.runRange(0, numel, body);
        }
    }

    private static int off(Tensor t) {
        return t == null ? 0 : (int) t.storageOffset();
    }

    /**
     * When every operand walks the shape in row-major order with one constant step (1 for a
     * contiguous operand, 0 for a broadcast scalar), those steps; otherwise null.
     */
    private static int[] flatStrides(long[] shape, Tensor[] ts, int ops) {
        int[] flat = new int[4];
        for (int k = 0; k < ops; k++) {
            long[] st = ACCESS.stride(ts[k]);
            int lead = st.length - shape.length;
            boolean contiguous = true;
            boolean zero = true;
            long expected = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                long s = st[d + lead];
                if (shape[d] != 1) {
                    contiguous &= s == expected;
                    zero &= s == 0;
                    expected *= shape[d];
                }
            }
            if (contiguous) {
                flat[k] = 1;
            } else if (zero) {
                flat[k] = 0;
            } else {
                return null;
            }
        }
        return flat;
    }

    /** A coalesced iteration space. */
    private static final class Plan {
        final long[] shape;
        final long[][] strides;
        final long[] offsets = new long[4];

        Plan(long[] fullShape, Tensor[] ts, int ops) {
            int nd = fullShape.length;
            long[][] trailing = new long[ops][];
            for (int k = 0; k < ops; k++) {
                long[] s = ACCESS.stride(ts[k]);
                trailing[k] = Arrays.copyOfRange(s, s.length - nd, s.length);
            }
            long[][] merged = Coalescing.coalesce(fullShape, trailing);
            shape = merged[0];
            strides = new long[4][];
            for (int k = 0; k < 4; k++) {
                strides[k] = k < ops ? merged[k + 1] : new long[shape.length];
                offsets[k] = k < ops ? ts[k].storageOffset() : 0;
            }
        }

        void runRange(long start, long end, Row body) {
            int nd = shape.length;
            int last = nd - 1;
            long inner = shape[last];
            long[] idx = new long[nd];
            long o0 = offsets[0];
            long o1 = offsets[1];
            long o2 = offsets[2];
            long o3 = offsets[3];
            long rem = start;
            for (int d = last; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
                o0 += idx[d] * strides[0][d];
                o1 += idx[d] * strides[1][d];
                o2 += idx[d] * strides[2][d];
                o3 += idx[d] * strides[3][d];
            }
            int s0 = (int) strides[0][last];
            int s1 = (int) strides[1][last];
            int s2 = (int) strides[2][last];
            int s3 = (int) strides[3][last];
            long pos = start;
            while (pos < end) {
                int n = (int) Math.min(inner - idx[last], end - pos);
                body.run((int) o0, s0, (int) o1, s1, (int) o2, s2, (int) o3, s3, n);
                pos += n;
                if (pos >= end) {
                    break;
                }
                idx[last] += n;
                o0 += (long) n * s0;
                o1 += (long) n * s1;
                o2 += (long) n * s2;
                o3 += (long) n * s3;
                for (int d = last; d >= 0 && idx[d] == shape[d]; d--) {
                    idx[d] = 0;
                    o0 -= shape[d] * strides[0][d];
                    o1 -= shape[d] * strides[1][d];
                    o2 -= shape[d] * strides[2][d];
                    o3 -= shape[d] * strides[3][d];
                    if (d > 0) {
                        idx[d - 1]++;
                        o0 += strides[0][d - 1];
                        o1 += strides[1][d - 1];
                        o2 += strides[2][d - 1];
                        o3 += strides[3][d - 1];
                    }
                }
            }
        }
    }
}
