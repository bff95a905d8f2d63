package dev.nabla.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nabla.backend.BinaryOp;
import dev.nabla.backend.ReduceOp;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The row kernels' fast paths (contiguous compares, branch-free selects, folds with eight
 * partial results) against the element-by-element definition, at lengths around the
 * unrolling and with NaN, infinities and signed zeros in the data.
 */
class KernelRowsTest {
    private static final BinaryOp[] COMPARISONS = {BinaryOp.GT, BinaryOp.GE, BinaryOp.LT, BinaryOp.LE, BinaryOp.EQ, BinaryOp.NE};

    private static double[] doubles(int n, long seed) {
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0d, -0d, 1d, -1d};
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextInt(5) == 0 ? special[random.nextInt(special.length)] : Math.rint(random.nextGaussian() * 4) / 2;
        }
        return x;
    }

    private static float[] floats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    private static boolean[] mask(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] m = new boolean[n];
        for (int i = 0; i < n; i++) {
            m[i] = random.nextBoolean();
        }
        return m;
    }

    private static boolean compare(BinaryOp op, double x, double y) {
        switch (op) {
            case GT: return x > y;
            case GE: return x >= y;
            case LT: return x < y;
            case LE: return x <= y;
            case EQ: return x == y;
            default: return x != y;
        }
    }

    /** Offsets of 2 and 3 elements, so that no row starts at index 0. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 9, 33, 1000})
    void comparesAgainstAValueAndARow(int n) {
        double[] a = doubles(n + 4, n);
        double[] b = doubles(n + 4, n + 1);
        float[] fa = floats(a);
        float[] fb = floats(b);
        for (BinaryOp op : COMPARISONS) {
            for (int bs = 0; bs <= 1; bs++) {
                boolean[] dc = new boolean[n + 1];
                boolean[] fc = new boolean[n + 1];
                DoubleKernels.compare(op, a, 2, 1, b, 3, bs, dc, 1, 1, n);
                FloatKernels.compare(op, fa, 2, 1, fb, 3, bs, fc, 1, 1, n);
                for (int i = 0; i < n; i++) {
                    boolean want = compare(op, a[2 + i], b[3 + i * bs]);
                    assertEquals(want, dc[1 + i], op + " float64, b stride " + bs + ", element " + i);
                    assertEquals(want, fc[1 + i], op + " float32, b stride " + bs + ", element " + i);
                }
            }
        }
    }

    /**
     * A row of {@code b} at its own offset combined with rows of {@code a} that the output shares
     * an offset with (a bias over the rows of a matrix, into a new tensor or in place): bit for bit
     * the element-by-element arithmetic, in float and double.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 9, 33, 1000})
    void combinesRowsWithARowAtItsOwnOffset(int n) {
        int rows = 3;
        double[] a = doubles(rows * n + 5, n + 2);
        double[] b = doubles(n + 1, n + 3);
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV}) {
            for (boolean inPlace : new boolean[] {false, true}) {
                double[] dc = inPlace ? a.clone() : new double[a.length];
                float[] fa = floats(a);
                float[] fc = inPlace ? fa : new float[a.length];
                double[] da = inPlace ? dc : a;
                for (int r = 0; r < rows; r++) {
                    int offset = 5 + r * n;
                    DoubleKernels.binary(op, da, offset, 1, b, 1, 1, dc, offset, 1, n, false);
                    FloatKernels.binary(op, fa, offset, 1, floats(b), 1, 1, fc, offset, 1, n, false);
                }
                for (int i = 0; i < rows * n; i++) {
                    double want = DoubleKernels.binary(op, a[5 + i], b[1 + i % Math.max(1, n)]);
                    float wantFloat = FloatKernels.binary(op, (float) a[5 + i], (float) b[1 + i % Math.max(1, n)]);
                    String where = op + (inPlace ? " in place" : "") + ", element " + i;
                    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(dc[5 + i]), "float64 " + where);
                    assertEquals(Float.floatToRawIntBits(wantFloat), Float.floatToRawIntBits(fc[5 + i]), "float32 " + where);
                }
            }
        }
    }

    /** Every combination of a row and a broadcast value on either side, bit for bit. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 9, 33, 1000})
    void selectsBitForBit(int n) {
        boolean[] m = mask(n + 1, n);
        double[] a = doubles(n + 4, n + 2);
        double[] b = doubles(n + 4, n + 3);
        float[] fa = floats(a);
        float[] fb = floats(b);
        for (int as = 0; as <= 1; as++) {
            for (int bs = 0; bs <= 1; bs++) {
                double[] dc = new double[n + 4];
                float[] fc = new float[n + 4];
                DoubleKernels.where(m, 1, 1, a, 2, as, b, 3, bs, dc, 4, 1, n);
                FloatKernels.where(m, 1, 1, fa, 2, as, fb, 3, bs, fc, 4, 1, n);
                for (int i = 0; i < n; i++) {
                    double want = m[1 + i] ? a[2 + i * as] : b[3 + i * bs];
                    String where = "strides " + as + "/" + bs + ", element " + i;
                    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(dc[4 + i]), where);
                    assertEquals(Float.floatToRawIntBits((float) want), Float.floatToRawIntBits(fc[4 + i]), where);
                }
            }
        }
    }

    /** Max and min exactly (NaN wins, +0 beats -0); sums against the exact sum, within float64 rounding. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 9, 33, 1000})
    void foldsContiguousRows(int n) {
        double[] withSpecials = doubles(n + 2, 3 * n);
        SplittableRandom random = new SplittableRandom(n);
        double[] finite = new double[n + 2];
        for (int i = 0; i < finite.length; i++) {
            finite[i] = random.nextGaussian() * Math.pow(2, random.nextInt(20) - 10);
        }
        for (double[] a : new double[][] {withSpecials, finite}) {
            float[] f = floats(a);
            double max = Double.NEGATIVE_INFINITY;
            double min = Double.POSITIVE_INFINITY;
            double fmax = Double.NEGATIVE_INFINITY;
            BigDecimal sum = BigDecimal.ZERO;
            BigDecimal fsum = BigDecimal.ZERO;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, a[2 + i]);
                min = Math.min(min, a[2 + i]);
                fmax = Math.max(fmax, f[2 + i]);
                if (a == finite) {
                    sum = sum.add(new BigDecimal(a[2 + i]));
                    fsum = fsum.add(new BigDecimal(f[2 + i]));
                }
            }
            assertEquals(max, fold(ReduceOp.MAX, a, n, Double.NEGATIVE_INFINITY));
            assertEquals(min, fold(ReduceOp.MIN, a, n, Double.POSITIVE_INFINITY));
            assertEquals(fmax, fold(ReduceOp.MAX, f, n, Double.NEGATIVE_INFINITY));
            if (a == finite) {
                // n additions of float64 values below 2^10 each round by at most n * 2^-53 * 2^10 * n.
                double tol = 1e-13 * n;
                assertEquals(sum.doubleValue() + 0.5, fold(ReduceOp.SUM, a, n, 0.5), tol);
                assertEquals(fsum.doubleValue(), fold(ReduceOp.SUM, f, n, 0), tol);
            }
        }
    }

    /** A single extreme value at each position in turn, so that every partial result must reach the answer. */
    @ParameterizedTest
    @ValueSource(ints = {1, 8, 17})
    void foldsFindTheExtremeAtEveryPosition(int n) {
        for (int p = 0; p < n; p++) {
            double[] a = new double[n + 2];
            java.util.Arrays.fill(a, -1);
            a[2 + p] = 3;
            assertEquals(3, fold(ReduceOp.MAX, a, n, Double.NEGATIVE_INFINITY), "max at " + p);
            assertEquals(3, fold(ReduceOp.MAX, floats(a), n, Double.NEGATIVE_INFINITY), "float max at " + p);
            assertEquals(4 - n, fold(ReduceOp.SUM, a, n, 0), "sum with 3 at " + p);
            a[2 + p] = -5;
            assertEquals(-5, fold(ReduceOp.MIN, a, n, Double.POSITIVE_INFINITY), "min at " + p);
            a[2 + p] = Double.NaN;
            assertEquals(Double.NaN, fold(ReduceOp.MAX, a, n, Double.NEGATIVE_INFINITY), "NaN at " + p);
            assertEquals(Double.NaN, fold(ReduceOp.MIN, floats(a), n, Double.POSITIVE_INFINITY), "float NaN at " + p);
        }
    }

    /** One whole-row fold through the kernels' entry point, starting from {@code init}. */
    private static double fold(ReduceOp op, double[] a, int n, double init) {
        double[] acc = {7, init};
        DoubleKernels.reduce(op, a, 2, 1, acc, 1, 0, n);
        assertEquals(7, acc[0]);
        return acc[1];
    }

    private static double fold(ReduceOp op, float[] a, int n, double init) {
        double[] acc = {init};
        FloatKernels.reduce(op, a, 2, 1, acc, 0, 0, n);
        return acc[0];
    }

    /**
     * argmaxRuns (a block of runs side by side) against argmax one run at a time, with NaN,
     * infinities and signed zeros among the data and blocks of 512 runs cut in the middle.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 512, 1100})
    void argmaxOfRunsSideBySideIsArgmaxOfEachRun(int n) {
        for (int len : new int[] {1, 2, 4, 9}) {
            int step = n + 3;
            double[] a = doubles(2 + step * len, n * 10L + len);
            float[] fa = floats(a);
            long[] d = new long[2 * n + 1];
            long[] f = new long[2 * n + 1];
            DoubleKernels.argmaxRuns(a, 2, step, len, n, d, 1, 2);
            FloatKernels.argmaxRuns(fa, 2, step, len, n, f, 1, 2);
            for (int i = 0; i < n; i++) {
                assertEquals(DoubleKernels.argmax(a, 2 + i, step, len), d[1 + 2 * i], "float64 run " + i + " of " + len);
                assertEquals(FloatKernels.argmax(fa, 2 + i, step, len), f[1 + 2 * i], "float32 run " + i + " of " + len);
            }
        }
    }
}
