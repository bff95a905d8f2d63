package dev.nabla.backend.cpu;

/**
 * The error function {@code erf(x) = 2/sqrt(pi) * integral from 0 to x of exp(-t^2) dt}, which
 * {@link Math} lacks, in two precisions.
 *
 * <p>{@link #erf(double)}, for FLOAT64 tensors, sums series. Three expansions, each used where it
 * converges fast and loses no digits:
 * <ul>
 *   <li>{@code |x| < 0.5}: the Maclaurin series {@code 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))},
 *       whose alternating terms cancel little this close to 0;</li>
 *   <li>{@code |x| < 2}: {@code 2/sqrt(pi) * exp(-x^2) * sum 2^n x^(2n+1) / (1*3*...*(2n+1))}, a series
 *       of positive terms (no cancellation);</li>
 *   <li>{@code |x| < 6}: {@code 1 - erfc(x)} with {@code erfc} from its continued fraction
 *       {@code exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))} (modified Lentz), so
 *       that erfc's own rounding is scaled down by {@code erfc/erf};</li>
 *   <li>beyond, {@code erf} is {@code +-1} in double ({@code erfc(6) < 2.2e-17}).</li>
 * </ul>
 * {@code exp(-x^2)} uses the exact square ({@code fma} recovers its rounding error), which keeps
 * the largest error within about a dozen ulp (1.3e-15 relative) of the correctly rounded value
 * (measured against glibc's {@code erf} over 200,000 points on [-7, 7]).
 *
 * <p>{@link #erf(float)}, for FLOAT32 tensors (GELU's hot loop), needs only float accuracy, and
 * the series cost dozens of steps and an {@code exp} per element. It is one rational function
 * instead: {@code erf(x) = x * P(x^2) / Q(x^2)} with {@code P} of degree 6 and {@code Q} of degree 5,
 * fitted to {@code erf(x)/x} on {@code [0, 4]} for the smallest largest relative error (2.0e-9) by
 * runtime/src/build/fit_erf.py, which prints these constants. Beyond {@code |x| = 4},
 * {@code erfc(x) < 1.6e-8}, under half a float ulp below 1, so the argument is clamped there and the
 * result rounds to {@code +-1}. Evaluated in double and rounded once, the result is within 0.54 float
 * ulp of the exact {@code erf} (the script checks every 7th float in [1e-30, 4] and a fine grid on
 * [3.5, 6]; ErfTest every 1009th float up to 6 and a fine grid on [0, 6]): faithfully rounded,
 * usually correctly. No call and no branch but the
 * clamp's selects: 14 ns an element against the series' 450, measured side by side on the shared
 * 2-core machine at load average 13 (absolute times there are several times too slow). Evaluated
 * in float, the loop would vectorise and run about eight times faster still, but float's
 * rounding in {@code P} and {@code Q} grows the error to 7 ulp.
 *
 * <p>GELU and its derivative, a transformer's widest elementwise ops, keep that double evaluation
 * and vectorise anyway: their contiguous loops widen blocks of floats into doubles and run
 * branch-free double arithmetic over them ({@link #BLOCK}), and the derivative's
 * {@code exp(-x^2 / 2)} is a polynomial squared rather than a call ({@link Exp}).
 * Measured side by side at load average 6: GELU 3.7 ns an element against 14 one at a time, its
 * derivative about 11 against 38.
 */
final class Erf {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;
    /** {@code 1 / sqrt 2}, GELU's scaling of its argument. */
    private static final double SQRT_HALF = 0.7071067811865476;
    /** {@code 1 / sqrt(2 pi)}, the normal density at 0. */
    private static final double ONE_OVER_SQRT_2PI = 0.3989422804014327;
    /** Below this relative size a term no longer changes a double sum. */
    private static final double NEGLIGIBLE = 1e-17;
    /** More terms than either series needs below its limit (about 15 and 45). */
    private static final int TERMS = 64;
    /** {@code 1/n} and {@code 1/(2n+1)}: the series multiply by them, as a division costs many times a product. */
    private static final double[] INVERSE = new double[TERMS];
    private static final double[] INVERSE_ODD = new double[TERMS];

    static {
        for (int n = 1; n < TERMS; n++) {
            INVERSE[n] = 1.0 / n;
            INVERSE_ODD[n] = 1.0 / (2 * n + 1);
        }
    }

    /** Where the float approximation's argument is clamped: {@code erf(+-4)} rounds to {@code +-1} in float. */
    private static final double X_MAX = 4;
    // P(u) = P0 + P1 u + ... + P6 u^6 and Q(u) = 1 + Q1 u + ... + Q5 u^5, as fit_erf.py prints them.
    private static final double P0 = 1.1283791693661105;
    private static final double P1 = 0.18520340582315467;
    private static final double P2 = 0.05431677045290746;
    private static final double P3 = 0.0038495980446914746;
    private static final double P4 = 0.0003796018025448876;
    private static final double P5 = 4.6845823957553575e-06;
    private static final double P6 = -1.3201226194813911e-08;
    private static final double Q1 = 0.49746565865216136;
    private static final double Q2 = 0.113958346009758;
    private static final double Q3 = 0.015462037325019589;
    private static final double Q4 = 0.001307557714124292;
    private static final double Q5 = 6.310873919342313e-05;

    /**
     * Elements per block of the float GELU loops. Java 17's JIT does not vectorise a loop that
     * converts float to double, so each block is widened into a double array, evaluated there
     * by a loop of double arithmetic alone (vectorised: about 2.8 ns an element against 13 for
     * the scalar loop, measured side by side), and rounded back. 256 doubles stay in L1.
     */
    private static final int BLOCK = 256;

    private Erf() {}

    /**
     * {@code erf(x)} to float accuracy (within 0.54 ulp): odd ({@code -0} stays {@code -0}),
     * {@code +-1} from {@code |x| = 4} on, NaN for NaN.
     */
    static float erf(float x) {
        return (float) rational(x);
    }

    /**
     * The exact GELU {@code x (1 + erf(x / sqrt 2)) / 2} of a float, PyTorch's formula, with
     * {@link #erf(float)}'s rational function left unrounded so that the result is rounded once.
     * As in PyTorch's float kernel, {@code 1 + erf} cancels for large negative {@code x}, so there
     * the error is absolute rather than relative: under {@code 2.1e-9 |x| / 2}. From
     * {@code x = -4 sqrt 2} down, where {@code |gelu(x)| < 5e-8}, erf is exactly -1 and the result
     * {@code -0} (NaN at {@code -infinity}, as PyTorch's {@code -inf * 0}).
     */
    static float gelu(float x) {
        return (float) unroundedGelu(x);
    }

    /**
     * {@link #gelu(float)} of {@code n} contiguous elements, {@code c[co + i] = gelu(a[ao + i])},
     * with the same values: a loop the JIT vectorises (see {@link #BLOCK}).
     */
    static void gelu(float[] a, int ao, float[] c, int co, int n) {
        double[] block = new double[Math.min(n, BLOCK)];
        for (int start = 0; start < n; start += BLOCK) {
            int m = Math.min(BLOCK, n - start);
            widen(a, ao + start, block, m);
            for (int i = 0; i < m; i++) {
                block[i] = unroundedGelu(block[i]);
            }
            narrow(block, c, co + start, m);
        }
    }

    /** {@code block[i] = a[from + i]} for {@code i < m}: a block of floats widened for the double passes. */
    private static void widen(float[] a, int from, double[] block, int m) {
        for (int i = 0; i < m; i++) {
            block[i] = a[from + i];
        }
    }

    /** {@code c[from + i] = (float) block[i]} for {@code i < m}: a block's results, each rounded once. */
    private static void narrow(double[] block, float[] c, int from, int m) {
        for (int i = 0; i < m; i++) {
            c[from + i] = (float) block[i];
        }
    }

    /** {@link #gelu(double)} of {@code n} contiguous elements: the FLOAT64 kernels' twin of the float loop. */
    static void gelu(double[] a, int ao, double[] c, int co, int n) {
        for (int i = 0; i < n; i++) {
            c[co + i] = gelu(a[ao + i]);
        }
    }

    /** The float GELU before its rounding, over the rational erf. */
    private static double unroundedGelu(double x) {
        return 0.5 * x * (1 + saturatingRational(x * SQRT_HALF));
    }

    /**
     * GELU's derivative {@code (1 + erf(x / sqrt 2)) / 2 + x exp(-x^2 / 2) / sqrt(2 pi)} of a float,
     * PyTorch's {@code gelu_backward} formula, with the erf of {@link #gelu(float)} and rounded once
     * (NaN at +-infinity, as PyTorch's {@code inf * 0}).
     */
    static float geluSlope(float x) {
        return (float) unroundedGeluSlope(x);
    }

    /**
     * {@link #geluSlope(float)} of {@code n} contiguous elements, {@code c[co + i] = geluSlope(a[ao + i])},
     * with the same values: a loop the JIT vectorises (see {@link #BLOCK}).
     */
    static void geluSlope(float[] a, int ao, float[] c, int co, int n) {
        double[] block = new double[Math.min(n, BLOCK)];
        double[] density = new double[block.length];
        for (int start = 0; start < n; start += BLOCK) {
            int m = Math.min(BLOCK, n - start);
            widen(a, ao + start, block, m);
            // unroundedGeluSlope in passes small enough for the JIT to unroll and vectorise each:
            // one loop of it all stays scalar (23 ns an element), and so does the last pass if
            // it also reads the density (10.6 ns against 2.9 for the two passes).
            for (int i = 0; i < m; i++) {
                double x = block[i];
                density[i] = -0.5 * x * x;
            }
            Exp.ofNonPositive(density, m);
            for (int i = 0; i < m; i++) {
                density[i] = block[i] * density[i] * ONE_OVER_SQRT_2PI;
            }
            for (int i = 0; i < m; i++) {
                density[i] += normalCdf(block[i]);
            }
            narrow(density, c, co + start, m);
        }
    }

    /** {@link #geluSlope(double)} of {@code n} contiguous elements: the FLOAT64 kernels' twin of the float loop. */
    static void geluSlope(double[] a, int ao, double[] c, int co, int n) {
        for (int i = 0; i < n; i++) {
            c[co + i] = geluSlope(a[ao + i]);
        }
    }

    /** The float GELU derivative before its rounding: the rational erf, and {@link Exp#ofNonPositive(double)} for the density. */
    private static double unroundedGeluSlope(double x) {
        // The array loop's passes in their order (addition commutes exactly): the same values.
        return x * Exp.ofNonPositive(-0.5 * x * x) * ONE_OVER_SQRT_2PI + normalCdf(x);
    }

    /** The normal distribution function {@code Phi(x) = (1 + erf(x / sqrt 2)) / 2}, over the rational erf. */
    private static double normalCdf(double x) {
        return 0.5 * (1 + saturatingRational(x * SQRT_HALF));
    }

    /** GELU's derivative {@code (1 + erf(x / sqrt 2)) / 2 + x exp(-x^2 / 2) / sqrt(2 pi)} of a double. */
    static double geluSlope(double x) {
        return 0.5 * (1 + erf(x * SQRT_HALF)) + x * Math.exp(-0.5 * x * x) * ONE_OVER_SQRT_2PI;
    }

    /**
     * {@link #rational}, but exactly +-1 from the clamp on: the rational function's own value at
     * the clamp is 1.6e-8 short of 1, which {@code 1 + erf} would not round away.
     *
     * <p>Branch-free, so that the float GELU loops vectorise: {@code Math.min}/{@code max} clamp
     * (NaN passes through both), and {@code s} is 1 exactly at the clamp and 0 inside it, so
     * {@code r + (z / 4 - r) s} is {@code r} inside and {@code z / 4 = +-1} at the clamp, exactly:
     * there {@code 1 - r} is exact (Sterbenz) and so is {@code r + (1 - r)}.
     */
    private static double saturatingRational(double a) {
        double z = Math.max(-X_MAX, Math.min(X_MAX, a));
        double r = ratio(z);
        double s = Math.min(1, Math.max(0, (Math.abs(z) - X_MAX) * 1e300 + 1));
        return r + (z * (1 / X_MAX) - r) * s;
    }

    /** The exact GELU {@code x (1 + erf(x / sqrt 2)) / 2} of a double, PyTorch's formula (with its cancellation for large negative {@code x}). */
    static double gelu(double x) {
        return 0.5 * x * (1 + erf(x * SQRT_HALF));
    }

    /** {@link #erf(float)} before its rounding to float (within 2.0e-9 relative of {@code erf}). */
    private static double rational(double x) {
        // Comparisons rather than Math.min/max, whose double forms measured five times slower
        // here; both are false for NaN, which passes through, and +-infinity becomes +-4.
        return ratio(x > X_MAX ? X_MAX : x < -X_MAX ? -X_MAX : x);
    }

    /** {@code z P(z^2) / Q(z^2)} of an argument already clamped to {@code [-4, 4]}. */
    private static double ratio(double z) {
        double u = z * z;
        double p = (((((P6 * u + P5) * u + P4) * u + P3) * u + P2) * u + P1) * u + P0;
        double q = ((((Q5 * u + Q4) * u + Q3) * u + Q2) * u + Q1) * u + 1;
        return z * p / q;
    }

    /** {@code erf(x)}: odd, {@code +-1} at {@code +-infinity}, NaN for NaN. */
    static double erf(double x) {
        double a = Math.abs(x);
        if (!(a < 6)) {
            return Double.isNaN(x) ? x : Math.copySign(1, x);
        }
        double r = a < 0.5 ? maclaurin(a) : a < 2 ? positiveSeries(a) : 1 - erfcFraction(a);
        return Math.copySign(r, x);
    }

    private static double maclaurin(double a) {
        double x2 = a * a;
        double power = a;
        double sum = a;
        for (int n = 1; n < TERMS; n++) {
            power *= -x2 * INVERSE[n];
            double term = power * INVERSE_ODD[n];
            sum += term;
            if (Math.abs(term) <= NEGLIGIBLE * sum) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * sum;
    }

    private static double positiveSeries(double a) {
        double twoX2 = 2 * a * a;
        double term = a;
        double sum = a;
        for (int n = 1; n < TERMS && term > NEGLIGIBLE * sum; n++) {
            term *= twoX2 * INVERSE_ODD[n];
            sum += term;
        }
        return TWO_OVER_SQRT_PI * expMinusSquare(a) * sum;
    }

    /** {@code erfc(a)} for {@code a >= 2}, where the fraction converges within about 60 steps. */
    private static double erfcFraction(double a) {
        // Modified Lentz: f = b0 + K(a_n / b) with b = a and a_n = n/2; neither c nor d can reach 0 for a > 0.
        double f = a;
        double c = a;
        double d = 0;
        for (int n = 1; ; n++) {
            double an = n * 0.5;
            d = 1 / (a + an * d);
            c = a + an / c;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                return ONE_OVER_SQRT_PI * expMinusSquare(a) / f;
            }
        }
    }

    /** {@code exp(-a^2)} without the rounding of {@code a*a}: {@code exp(-hi - lo) = exp(-hi) (1 - lo)}. */
    private static double expMinusSquare(double a) {
        double hi = a * a;
        double lo = Math.fma(a, a, -hi);
        return Math.exp(-hi) * (1 - lo);
    }
}
