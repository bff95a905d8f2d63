package dev.nabla.backend.cpu;

import dev.nabla.backend.BinaryOp;
import dev.nabla.backend.UnaryOp;

/**
 * Row kernels for FLOAT32 arrays. Each takes a row of {@code n} elements at an offset and a
 * stride per operand; the common cases (all strides 1, or a broadcast scalar operand) get
 * their own loops so the JIT can vectorise them.
 *
 * <p>This file is also the only source of {@code DoubleKernels}, the FLOAT64 kernels: the build
 * generates that class from it at generate-sources (runtime/src/build/TwinKernels.java says by
 * which substitutions), so each kernel is written once and each class still has its own
 * monomorphic loops. Where the float kernel computes in double, its explicit {@code (float)}
 * rounding is what the generator drops.
 */
final class FloatKernels {
    private FloatKernels() {}

    static void unary(UnaryOp op, float[] a, int ao, int as, float[] c, int co, int cs, int n) {
        if (as == 1 && cs == 1) {
            switch (op) {
                case NEG:
                    for (int i = 0; i < n; i++) {
                        c[co + i] = -a[ao + i];
                    }
                    return;
                case ABS:
                    for (int i = 0; i < n; i++) {
                        c[co + i] = Math.abs(a[ao + i]);
                    }
                    return;
                case RELU:
                    for (int i = 0; i < n; i++) {
                        c[co + i] = Math.max(a[ao + i], 0f);
                    }
                    return;
                case ERF:
                    // A loop of its own: the float erf is branch-free, and inlined here it is
                    // not behind the per-element switch below.
                    for (int i = 0; i < n; i++) {
                        c[co + i] = Erf.erf(a[ao + i]);
                    }
                    return;
                case GELU:
                    Erf.gelu(a, ao, c, co, n);
                    return;
                case GELU_SLOPE:
                    Erf.geluSlope(a, ao, c, co, n);
                    return;
                default:
                    break;
            }
        }
        for (int i = 0; i < n; i++) {
            c[co + i * cs] = unary(op, a[ao + i * as]);
        }
    }

    static float unary(UnaryOp op, float x) {
        switch (op) {
            case NEG:
                return -x;
            case ABS:
                return Math.abs(x);
            case EXP:
                return (float) Math.exp(x);
            case LOG:
                return (float) Math.log(x);
            case SQRT:
                return (float) Math.sqrt(x);
            case SIN:
                return (float) Math.sin(x);
            case COS:
                return (float) Math.cos(x);
            case TANH:
                return (float) Math.tanh(x);
            case SIGMOID:
                return (float) (1.0 / (1.0 + Math.exp(-x)));
            case RELU:
                return Math.max(x, 0f);
            case SIGN:
                return Math.signum(x);
            case LOG1P:
                return (float) Math.log1p(x);
            case RSQRT:
                return (float) (1.0 / Math.sqrt(x));
            case ERF:
                return Erf.erf(x);
            case GELU:
                return Erf.gelu(x);
            case GELU_SLOPE:
                return Erf.geluSlope(x);
            default:
                throw new AssertionError(op);
        }
    }

    static void clamp(float[] a, int ao, int as, float[] c, int co, int cs, int n, float lo, float hi) {
        if (as == 1 && cs == 1) {
            for (int i = 0; i < n; i++) {
                c[co + i] = Math.min(Math.max(a[ao + i], lo), hi);
            }
        } else {
            for (int i = 0; i < n; i++) {
                c[co + i * cs] = Math.min(Math.max(a[ao + i * as], lo), hi);
            }
        }
    }

    /** {@code c = a op b} over a row; {@code stream}: try {@link StreamingStores} first (a large result). */
    static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] c, int co, int cs, int n, boolean stream) {
        if (stream && StreamingStores.binary(op, a, ao, as, b, bo, bs, c, co, cs, n)) {
            return;
        }
        if (cs == 1 && as == 1 && co == ao && (bs == 0 || (bs == 1 && bo == ao)) && aligned(op, a, b, bo, bs, c, co, co + n)) {
            return;
        }
        if (cs == 1 && as == 1 && co == ao && bs == 1 && shifted(op, a, b, bo, c, co, co + n)) {
            return;
        }
        if (cs == 1 && as == 1 && (bs == 1 || bs == 0)) {
            if (bs == 1) {
                switch (op) {
                    case ADD:
                        for (int i = 0; i < n; i++) {
                            c[co + i] = a[ao + i] + b[bo + i];
                        }
                        return;
                    case SUB:
                        for (int i = 0; i < n; i++) {
                            c[co + i] = a[ao + i] - b[bo + i];
                        }
                        return;
                    case MUL:
                        for (int i = 0; i < n; i++) {
                            c[co + i] = a[ao + i] * b[bo + i];
                        }
                        return;
                    case DIV:
                        for (int i = 0; i < n; i++) {
                            c[co + i] = a[ao + i] / b[bo + i];
                        }
                        return;
                    default:
                        break;
                }
            } else {
                float y = b[bo];
                switch (op) {
                    case ADD:
                        for (int i = 0; i < n; i++) {
                            c[co + i] = a[ao + i] + y;
                        }
                        return;
                    case SUB:
                        for (int i = 0; i < n; i++) {
                            c[co + i] = a[ao + i] - y;
                        }
                        return;
                    case MUL:
                        for (int i = 0; i < n; i++) {
                            c[co + i] = a[ao + i] * y;
                        }
                        return;
                    case DIV:
                        for (int i = 0; i < n; i++) {
                            c[co + i] = a[ao + i] / y;
                        }
                        return;
                    default:
                        break;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            c[co + i * cs] = binary(op, a[ao + i * as], b[bo + i * bs]);
        }
    }

    /**
     * Contiguous rows at one offset in every array: indexing all operands with the same
     * {@code i} lets the JIT vectorise without proving that the arrays do not overlap with a
     * shift (it cannot, when they are views of one storage at different offsets).
     *
     * @return false for ops without a loop here
     */
    private static boolean aligned(BinaryOp op, float[] a, float[] b, int bo, int bs, float[] c, int from, int to) {
        if (bs == 1) {
            switch (op) {
                case ADD:
                    for (int i = from; i < to; i++) {
                        c[i] = a[i] + b[i];
                    }
                    return true;
                case SUB:
                    for (int i = from; i < to; i++) {
                        c[i] = a[i] - b[i];
                    }
                    return true;
                case MUL:
                    for (int i = from; i < to; i++) {
                        c[i] = a[i] * b[i];
                    }
                    return true;
                case DIV:
                    for (int i = from; i < to; i++) {
                        c[i] = a[i] / b[i];
                    }
                    return true;
                default:
                    return false;
            }
        }
        float y = b[bo];
        switch (op) {
            case ADD:
                for (int i = from; i < to; i++) {
                    c[i] = a[i] + y;
                }
                return true;
            case SUB:
                for (int i = from; i < to; i++) {
                    c[i] = a[i] - y;
                }
                return true;
            case MUL:
                for (int i = from; i < to; i++) {
                    c[i] = a[i] * y;
                }
                return true;
            case DIV:
                for (int i = from; i < to; i++) {
                    c[i] = a[i] / y;
                }
                return true;
            default:
                return false;
        }
    }

    /**
     * Contiguous rows where {@code a} and {@code c} share an offset and {@code b} has its own: a
     * row broadcast over the rows of a matrix (a bias), whose offset stays put while theirs move.
     * Indexing {@code b} as {@code i - shift} of the shared index measured twice as fast as
     * three offsets (0.77 against 1.45 ns an element, thread CPU time, rows of 128 to 512).
     *
     * @return false for ops without a loop here
     */
    private static boolean shifted(BinaryOp op, float[] a, float[] b, int bo, float[] c, int from, int to) {
        int shift = from - bo;
        switch (op) {
            case ADD:
                for (int i = from; i < to; i++) {
                    c[i] = a[i] + b[i - shift];
                }
                return true;
            case SUB:
                for (int i = from; i < to; i++) {
                    c[i] = a[i] - b[i - shift];
                }
                return true;
            case MUL:
                for (int i = from; i < to; i++) {
                    c[i] = a[i] * b[i - shift];
                }
                return true;
            case DIV:
                for (int i = from; i < to; i++) {
                    c[i] = a[i] / b[i - shift];
                }
                return true;
            default:
                return false;
        }
    }

    static float binary(BinaryOp op, float x, float y) {
        switch (op) {
            case ADD:
                return x + y;
            case SUB:
                return x - y;
            case MUL:
                return x * y;
            case DIV:
                return x / y;
            case POW:
                return (float) pow(x, y);
            case MAXIMUM:
                return Math.max(x, y);
            case MINIMUM:
                return Math.min(x, y);
            default:
                throw new AssertionError(op);
        }
    }

    /**
     * C's {@code pow}, which PyTorch computes: unlike {@link Math#pow}, {@code 1^y} is 1 for
     * every {@code y} (NaN included) and {@code (-1)^±inf} is 1.
     */
    static double pow(double x, double y) {
        if (x == 1.0 || (x == -1.0 && Double.isInfinite(y))) {
            return 1.0;
        }
        return Math.pow(x, y);
    }

    static void compare(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, boolean[] c, int co, int cs, int n) {
        if (as == 1 && cs == 1 && bs == 0) {
            compareScalar(op, a, ao, b[bo], c, co, n);
            return;
        }
        if (as == 1 && cs == 1 && bs == 1) {
            compareContiguous(op, a, ao, b, bo, c, co, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            float x = a[ao + i * as];
            float y = b[bo + i * bs];
            boolean r;
            switch (op) {
                case GT:
                    r = x > y;
                    break;
                case GE:
                    r = x >= y;
                    break;
                case LT:
                    r = x < y;
                    break;
                case LE:
                    r = x <= y;
                    break;
                case EQ:
                    r = x == y;
                    break;
                default:
                    r = x != y;
                    break;
            }
            c[co + i * cs] = r;
        }
    }

    /**
     * A contiguous row against one value ({@code x < 0}), one loop per op: with the op chosen
     * inside the loop, the JIT compiled a branch per element, and a mask of random signs ran
     * 2.6 times slower.
     */
    private static void compareScalar(BinaryOp op, float[] a, int ao, float y, boolean[] c, int co, int n) {
        switch (op) {
            case GT:
                for (int i = 0; i < n; i++) {
                    c[co + i] = a[ao + i] > y;
                }
                return;
            case GE:
                for (int i = 0; i < n; i++) {
                    c[co + i] = a[ao + i] >= y;
                }
                return;
            case LT:
                for (int i = 0; i < n; i++) {
                    c[co + i] = a[ao + i] < y;
                }
                return;
            case LE:
                for (int i = 0; i < n; i++) {
                    c[co + i] = a[ao + i] <= y;
                }
                return;
            case EQ:
                for (int i = 0; i < n; i++) {
                    c[co + i] = a[ao + i] == y;
                }
                return;
            default:
                for (int i = 0; i < n; i++) {
                    c[co + i] = a[ao + i] != y;
                }
        }
    }

    /** Two contiguous rows, one loop per op (see {@link #compareScalar}). */
    private static void compareContiguous(BinaryOp op, float[] a, int ao, float[] b, int bo, boolean[] c, int co, int n) {
        switch (op) {
            case GT:
                for (int i = 0; i < n; i++) {
                    c[co + i] = a[ao + i] > b[bo + i];
                }
                return;
            case GE:
                for (int i = 0; i < n; i++) {
                    c[co + i] = a[ao + i] >= b[bo + i];
                }
                return;
            case LT:
                for (int i = 0; i < n; i++) {
                    c[co + i] = a[ao + i] < b[bo + i];
                }
                return;
            case LE:
                for (int i = 0; i < n; i++) {
                    c[co + i] = a[ao + i] <= b[bo + i];
                }
                return;
            case EQ:
                for (int i = 0; i < n; i++) {
                    c[co + i] = a[ao + i] == b[bo + i];
                }
                return;
            default:
                for (int i = 0; i < n; i++) {
                    c[co + i] = a[ao + i] != b[bo + i];
                }
        }
    }

    /**
     * {@code c = m ? a : b}. Note [Selecting without branches]: a mask of random signs (the
     * backward of ReLU) makes a branch per element mispredict half the time. Contiguous rows
     * therefore select bit patterns with an all-ones or all-zeros mask, which keeps NaN
     * payloads and signed zeros exactly, and each kind of row has a method of its own: the
     * JIT turns {@code m[i] ? -1 : 0} into a conditional move only from a profile of that very
     * branch, and a loop compiled before it ran had none (4.2 ms for 1M floats, against 1.2
     * ms with the move, and 6.6 ms for the plain branch).
     */
    static void where(boolean[] m, int mo, int ms, float[] a, int ao, int as, float[] b, int bo, int bs, float[] c, int co, int cs, int n) {
        if (ms == 1 && cs == 1 && as == 0 && bs == 1) {
            whereScalarRow(m, mo, a[ao], b, bo, c, co, n);
        } else if (ms == 1 && cs == 1 && as == 1 && bs == 0) {
            whereRowScalar(m, mo, a, ao, b[bo], c, co, n);
        } else if (ms == 1 && cs == 1 && as == 0 && bs == 0) {
            whereScalars(m, mo, a[ao], b[bo], c, co, n);
        } else if (ms == 1 && cs == 1 && as == 1 && bs == 1) {
            whereRows(m, mo, a, ao, b, bo, c, co, n);
        } else {
            for (int i = 0; i < n; i++) {
                c[co + i * cs] = m[mo + i * ms] ? a[ao + i * as] : b[bo + i * bs];
            }
        }
    }

    /** {@code maskedFill}: a value where the mask is set, the row elsewhere. */
    private static void whereScalarRow(boolean[] m, int mo, float a, float[] b, int bo, float[] c, int co, int n) {
        int x = Float.floatToRawIntBits(a);
        for (int i = 0; i < n; i++) {
            int k = m[mo + i] ? -1 : 0;
            c[co + i] = Float.intBitsToFloat((x & k) | (Float.floatToRawIntBits(b[bo + i]) & ~k));
        }
    }

    private static void whereRowScalar(boolean[] m, int mo, float[] a, int ao, float b, float[] c, int co, int n) {
        int y = Float.floatToRawIntBits(b);
        for (int i = 0; i < n; i++) {
            int k = m[mo + i] ? -1 : 0;
            c[co + i] = Float.intBitsToFloat((Float.floatToRawIntBits(a[ao + i]) & k) | (y & ~k));
        }
    }

    /** {@code maskedFill} of an expanded scalar, as the gradient of a sum is. */
    private static void whereScalars(boolean[] m, int mo, float a, float b, float[] c, int co, int n) {
        int x = Float.floatToRawIntBits(a);
        int y = Float.floatToRawIntBits(b);
        for (int i = 0; i < n; i++) {
            int k = m[mo + i] ? -1 : 0;
            c[co + i] = Float.intBitsToFloat((x & k) | (y & ~k));
        }
    }

    private static void whereRows(boolean[] m, int mo, float[] a, int ao, float[] b, int bo, float[] c, int co, int n) {
        for (int i = 0; i < n; i++) {
            int k = m[mo + i] ? -1 : 0;
            c[co + i] = Float.intBitsToFloat((Float.floatToRawIntBits(a[ao + i]) & k) | (Float.floatToRawIntBits(b[bo + i]) & ~k));
        }
    }

    static void fill(float[] c, int co, int cs, int n, float v) {
        if (cs == 1) {
            java.util.Arrays.fill(c, co, co + n, v);
        } else {
            for (int i = 0; i < n; i++) {
                c[co + i * cs] = v;
            }
        }
    }

    static void copy(float[] a, int ao, int as, float[] c, int co, int cs, int n) {
        if (as == 1 && cs == 1) {
            System.arraycopy(a, ao, c, co, n);
        } else {
            for (int i = 0; i < n; i++) {
                c[co + i * cs] = a[ao + i * as];
            }
        }
    }

    /** Folds a row into the accumulators {@code acc} (stride {@code ks}; 0 folds the whole row into one). */
    static void reduce(dev.nabla.backend.ReduceOp op, float[] a, int ao, int as, double[] acc, int ko, int ks, int n) {
        if (ks == 0 && as == 1) {
            acc[ko] = fold(op, acc[ko], a, ao, n);
            return;
        }
        if (ks == 0) {
            double r = acc[ko];
            switch (op) {
                case SUM:
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += a[ao + i * as];
                    }
                    r += s;
                    break;
                case MAX:
                    for (int i = 0; i < n; i++) {
                        r = Math.max(r, a[ao + i * as]);
                    }
                    break;
                default:
                    for (int i = 0; i < n; i++) {
                        r = Math.min(r, a[ao + i * as]);
                    }
                    break;
            }
            acc[ko] = r;
            return;
        }
        switch (op) {
            case SUM:
                for (int i = 0; i < n; i++) {
                    acc[ko + i * ks] += a[ao + i * as];
                }
                break;
            case MAX:
                for (int i = 0; i < n; i++) {
                    acc[ko + i * ks] = Math.max(acc[ko + i * ks], a[ao + i * as]);
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    acc[ko + i * ks] = Math.min(acc[ko + i * ks], a[ao + i * as]);
                }
                break;
        }
    }

    /**
     * Folds a contiguous row into {@code r}, with eight partial results instead of one: a
     * single running sum waits for the previous addition at every element (1.0 ms for 1M
     * floats, against 0.34 ms with eight), and the partial sums round no worse. Max and min
     * give the same result in any order, NaN and signed zeros included.
     */
    private static double fold(dev.nabla.backend.ReduceOp op, double r, float[] a, int ao, int n) {
        double r0 = op == dev.nabla.backend.ReduceOp.SUM ? 0 : r;
        double r1 = r0;
        double r2 = r0;
        double r3 = r0;
        double r4 = r0;
        double r5 = r0;
        double r6 = r0;
        double r7 = r0;
        int i = 0;
        switch (op) {
            case SUM:
                for (; i + 8 <= n; i += 8) {
                    int j = ao + i;
                    r0 += a[j];
                    r1 += a[j + 1];
                    r2 += a[j + 2];
                    r3 += a[j + 3];
                    r4 += a[j + 4];
                    r5 += a[j + 5];
                    r6 += a[j + 6];
                    r7 += a[j + 7];
                }
                for (; i < n; i++) {
                    r0 += a[ao + i];
                }
                return r + (((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)));
            case MAX:
                for (; i + 8 <= n; i += 8) {
                    int j = ao + i;
                    r0 = Math.max(r0, a[j]);
                    r1 = Math.max(r1, a[j + 1]);
                    r2 = Math.max(r2, a[j + 2]);
                    r3 = Math.max(r3, a[j + 3]);
                    r4 = Math.max(r4, a[j + 4]);
                    r5 = Math.max(r5, a[j + 5]);
                    r6 = Math.max(r6, a[j + 6]);
                    r7 = Math.max(r7, a[j + 7]);
                }
                for (; i < n; i++) {
                    r0 = Math.max(r0, a[ao + i]);
                }
                return Math.max(Math.max(Math.max(r0, r1), Math.max(r2, r3)), Math.max(Math.max(r4, r5), Math.max(r6, r7)));
            default:
                for (; i + 8 <= n; i += 8) {
                    int j = ao + i;
                    r0 = Math.min(r0, a[j]);
                    r1 = Math.min(r1, a[j + 1]);
                    r2 = Math.min(r2, a[j + 2]);
                    r3 = Math.min(r3, a[j + 3]);
                    r4 = Math.min(r4, a[j + 4]);
                    r5 = Math.min(r5, a[j + 5]);
                    r6 = Math.min(r6, a[j + 6]);
                    r7 = Math.min(r7, a[j + 7]);
                }
                for (; i < n; i++) {
                    r0 = Math.min(r0, a[ao + i]);
                }
                return Math.min(Math.min(Math.min(r0, r1), Math.min(r2, r3)), Math.min(Math.min(r4, r5), Math.min(r6, r7)));
        }
    }

    /** Index of the first maximum (NaN counts as the maximum) of {@code len} elements, {@code step} apart. */
    static long argmax(float[] a, int o, int step, int len) {
        float best = a[o];
        int at = 0;
        for (int k = 1; k < len && !Float.isNaN(best); k++) {
            float v = a[o + k * step];
            if (v > best || Float.isNaN(v)) {
                best = v;
                at = k;
            }
        }
        return at;
    }

    /**
     * {@link #argmax} of {@code n} side-by-side runs: run {@code i} starts at {@code o + i} and
     * has {@code len} elements {@code step} apart; its index goes to {@code out[oo + i * os]}.
     * Taking a block of runs together reads each of the {@code len} rows once, in order (and
     * in loops the JIT unrolls), where one run at a time jumps a whole row per element: max
     * pooling's argmax down its window columns.
     */
    static void argmaxRuns(float[] a, int o, int step, int len, int n, long[] out, int oo, int os) {
        float[] best = new float[Math.min(n, 512)];
        int[] at = new int[best.length];
        for (int start = 0; start < n; start += best.length) {
            int m = Math.min(best.length, n - start);
            System.arraycopy(a, o + start, best, 0, m);
            java.util.Arrays.fill(at, 0, m, 0);
            for (int k = 1; k < len; k++) {
                int row = o + start + k * step;
                for (int i = 0; i < m; i++) {
                    float b = best[i];
                    float v = a[row + i];
                    // A NaN is kept once found: the first NaN is the first maximum.
                    if (v > b || Float.isNaN(v) && !Float.isNaN(b)) {
                        best[i] = v;
                        at[i] = k;
                    }
                }
            }
            for (int i = 0; i < m; i++) {
                out[oo + (start + i) * os] = at[i];
            }
        }
    }

    /**
     * Softmax, or its logarithm, of {@code len} elements {@code step} apart; {@code e} (at least
     * {@code len} long) keeps each {@code exp} between the two passes, which computed it twice
     * before. It holds them in double, so the result is the same as recomputing.
     *
     * <p>A contiguous row's maximum and exponentials come from {@link Exp#softmaxNumerators}: for
     * a float row, its vectorised passes (within 1e-12 relative of {@link Math#exp}); for a double
     * row, {@link Math#exp}. A strided row takes its maximum with a plain comparison, not
     * {@link Math#max}, whose one running maximum costs several dependent instructions per
     * element (it orders NaN and signed zeros). Either way the output is the same: a NaN element
     * makes the sum NaN, hence every output, and {@code a - max} is the same for either zero.
     */
    static void softmax(float[] a, int ao, float[] c, int co, int step, int cstep, int len, boolean log, double[] e) {
        double max;
        double sum = 0;
        if (step == 1) {
            // A contiguous row (softmax over the last dimension, as attention's): the maximum
            // and the exponentials in Exp's vectorised passes, then summed four at a time,
            // since one running sum waits for the previous addition at every element.
            max = Exp.softmaxNumerators(a, ao, e, len);
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int k = 0;
            for (; k + 4 <= len; k += 4) {
                s0 += e[k];
                s1 += e[k + 1];
                s2 += e[k + 2];
                s3 += e[k + 3];
            }
            for (; k < len; k++) {
                s0 += e[k];
            }
            sum = (s0 + s1) + (s2 + s3);
        } else {
            max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < len; k++) {
                float v = a[ao + k * step];
                max = v > max ? v : max;
            }
            for (int k = 0; k < len; k++) {
                double x = Math.exp(a[ao + k * step] - max);
                e[k] = x;
                sum += x;
            }
        }
        if (log) {
            double lse = max + Math.log(sum);
            for (int k = 0; k < len; k++) {
                c[co + k * cstep] = (float) (a[ao + k * step] - lse);
            }
        } else {
            // One division, then products, as PyTorch's vectorised softmax does: within a double
            // ulp of each quotient, so the rounded result is the same but for rare ties.
            double inverse = 1 / sum;
            for (int k = 0; k < len; k++) {
                c[co + k * cstep] = (float) (e[k] * inverse);
            }
        }
    }

    /**
     * The gradient of softmax, or of its logarithm, along one row of {@code len} elements, from the
     * op's output {@code y} and its gradient {@code g}, each with its own step:
     * {@code y (g - sum(g y))}, or {@code g - exp(y) sum(g)}; the sums in double, each result
     * rounded once. {@code e} (at least {@code len} long) holds log-softmax's {@code exp(y)}.
     */
    static void softmaxBackward(float[] y, int yo, int ystep, float[] g, int go, int gstep, float[] c, int co, int cstep,
                                int len, boolean log, double[] e) {
        if (log) {
            double sum = 0;
            for (int k = 0; k < len; k++) {
                sum += g[go + k * gstep];
            }
            // y = x - logsumexp(x) <= 0: Exp's vectorised passes for a float row, Math.exp for a double one.
            Exp.ofRow(y, yo, ystep, e, len);
            for (int k = 0; k < len; k++) {
                c[co + k * cstep] = (float) (g[go + k * gstep] - e[k] * sum);
            }
        } else {
            double dot = 0;
            for (int k = 0; k < len; k++) {
                // Widened before the product, so that it is not rounded to float.
                double gk = g[go + k * gstep];
                dot += gk * y[yo + k * ystep];
            }
            for (int k = 0; k < len; k++) {
                c[co + k * cstep] = (float) (y[yo + k * ystep] * (g[go + k * gstep] - dot));
            }
        }
    }

    /**
     * ReLU's gradient from its output {@code y}: {@code g} where {@code y > 0} or {@code y} is NaN,
     * {@code +0.0} where {@code y <= 0}. Branch-free: {@code g}'s bits are masked by an int select
     * on the comparison, which the JIT compiles to a conditional move; a float select
     * ({@code y <= 0 ? 0f : g}) is compiled to a branch, which random signs mispredict half the
     * time (1.30 ms against 0.15 for 262144 floats, single-threaded). Each case is a method of its
     * own: written inline here, the contiguous loop ran at 0.35 ms.
     */
    static void reluBackward(float[] y, int yo, int ys, float[] g, int go, int gs, float[] c, int co, int cs, int n) {
        if (ys == 1 && gs == 1 && cs == 1) {
            reluBackwardRows(y, yo, g, go, c, co, n);
        } else if (ys == 1 && gs == 0 && cs == 1) {
            reluBackwardScalar(y, yo, g[go], c, co, n);
        } else {
            for (int i = 0; i < n; i++) {
                int k = y[yo + i * ys] <= 0 ? -1 : 0;
                c[co + i * cs] = Float.intBitsToFloat(Float.floatToRawIntBits(g[go + i * gs]) & ~k);
            }
        }
    }

    private static void reluBackwardRows(float[] y, int yo, float[] g, int go, float[] c, int co, int n) {
        for (int i = 0; i < n; i++) {
            int k = y[yo + i] <= 0 ? -1 : 0;
            c[co + i] = Float.intBitsToFloat(Float.floatToRawIntBits(g[go + i]) & ~k);
        }
    }

    /** The gradient of a sum: one value, expanded. */
    private static void reluBackwardScalar(float[] y, int yo, float g, float[] c, int co, int n) {
        int v = Float.floatToRawIntBits(g);
        for (int i = 0; i < n; i++) {
            int k = y[yo + i] <= 0 ? -1 : 0;
            c[co + i] = Float.intBitsToFloat(v & ~k);
        }
    }

    /** {@code c[r][i] = a[r][ix[r][i]]} over {@code rows} contiguous rows: a gather along the last dimension. */
    static void gatherRows(float[] a, int ao, int aLen, long[] ix, int io, float[] c, int co, int rows, int len) {
        for (int r = 0; r < rows; r++) {
            int src = ao + r * aLen;
            int at = r * len;
            for (int i = 0; i < len; i++) {
                c[co + at + i] = a[src + (int) ix[io + at + i]];
            }
        }
    }

    /** {@code c[r][ix[r][i]] += a[r][i]} over {@code rows} contiguous rows: a scatter-add along the last dimension. */
    static void scatterAddRows(float[] a, int ao, long[] ix, int io, float[] c, int co, int cLen, int rows, int len) {
        for (int r = 0; r < rows; r++) {
            int dst = co + r * cLen;
            int at = r * len;
            for (int i = 0; i < len; i++) {
                c[dst + (int) ix[io + at + i]] += a[ao + at + i];
            }
        }
    }

    /** The running sum of {@code len} elements {@code step} apart into {@code c}, accumulated in double. */
    static void cumsum(float[] a, int ao, int step, float[] c, int co, int cstep, int len) {
        double sum = 0;
        for (int k = 0; k < len; k++) {
            sum += a[ao + k * step];
            c[co + k * cstep] = (float) sum;
        }
    }
}
