package dev.nabla.backend.cpu;

import dev.nabla.backend.BinaryOp;
import dev.nabla.backend.ReduceOp;
import dev.nabla.backend.UnaryOp;

/** Row kernels for INT64 arrays: the integer subset of {@link FloatKernels}, strided loops only. */
final class LongKernels {
    private LongKernels() {}

    static void unary(UnaryOp op, long[] a, int ao, int as, long[] c, int co, int cs, int n) {
        for (int i = 0; i < n; i++) {
            long x = a[ao + i * as];
            long r;
            switch (op) {
                case NEG:
                    r = -x;
                    break;
                case ABS:
                    r = Math.abs(x);
                    break;
                case RELU:
                    r = Math.max(x, 0);
                    break;
                case SIGN:
                    r = Long.signum(x);
                    break;
                default:
                    throw new AssertionError(op);
            }
            c[co + i * cs] = r;
        }
    }

    static void clamp(long[] a, int ao, int as, long[] c, int co, int cs, int n, double lo, double hi) {
        for (int i = 0; i < n; i++) {
            long x = a[ao + i * as];
            c[co + i * cs] = x < lo ? (long) Math.ceil(lo) : x > hi ? (long) Math.floor(hi) : x;
        }
    }

    static void binary(BinaryOp op, long[] a, int ao, int as, long[] b, int bo, int bs, long[] c, int co, int cs, int n) {
        for (int i = 0; i < n; i++) {
            long x = a[ao + i * as];
            long y = b[bo + i * bs];
            long r;
            switch (op) {
                case ADD:
                    r = x + y;
                    break;
                case SUB:
                    r = x - y;
                    break;
                case MUL:
                    r = x * y;
                    break;
                case POW:
                    r = pow(x, y);
                    break;
                case MAXIMUM:
                    r = Math.max(x, y);
                    break;
                case MINIMUM:
                    r = Math.min(x, y);
                    break;
                default:
                    throw new AssertionError(op);
            }
            c[co + i * cs] = r;
        }
    }

    private static long pow(long base, long exp) {
        if (exp < 0) {
            // PyTorch's integer pow (powi): 1 for base 1, +-1 for base -1, 0 for any other base.
            return base == 1 ? 1 : base == -1 ? ((exp & 1) == 0 ? 1 : -1) : 0;
        }
        long result = 1;
        while (exp > 0) {
            if ((exp & 1) != 0) {
                result *= base;
            }
            base *= base;
            exp >>= 1;
        }
        return result;
    }

    static void compare(BinaryOp op, long[] a, int ao, int as, long[] b, int bo, int bs, boolean[] c, int co, int cs, int n) {
        for (int i = 0; i < n; i++) {
            long x = a[ao + i * as];
            long y = b[bo + i * bs];
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

    static void reduce(ReduceOp op, long[] a, int ao, int as, long[] acc, int ko, int ks, int n) {
        for (int i = 0; i < n; i++) {
            long x = a[ao + i * as];
            int k = ko + i * ks;
            switch (op) {
                case SUM:
                    acc[k] += x;
                    break;
                case MAX:
                    acc[k] = Math.max(acc[k], x);
                    break;
                default:
                    acc[k] = Math.min(acc[k], x);
                    break;
            }
        }
    }

    static long argmax(long[] a, int o, int step, int len) {
        long best = a[o];
        int at = 0;
        for (int k = 1; k < len; k++) {
            long v = a[o + k * step];
            if (v > best) {
                best = v;
                at = k;
            }
        }
        return at;
    }

    /** The running sum of {@code len} elements {@code step} apart into {@code c}, wrapping on overflow. */
    static void cumsum(long[] a, int ao, int step, long[] c, int co, int cstep, int len) {
        long sum = 0;
        for (int k = 0; k < len; k++) {
            sum += a[ao + k * step];
            c[co + k * cstep] = sum;
        }
    }
}
