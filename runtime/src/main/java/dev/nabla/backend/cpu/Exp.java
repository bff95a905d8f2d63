package dev.nabla.backend.cpu;

/**
 * {@code exp(y)} for {@code y <= 0}, the only arguments softmax ({@code x - max}), log-softmax (its output) and GELU's
 * density ({@code -x^2 / 2}) pass, in a form Java 17's JIT vectorises: {@link Math#exp} is a call
 * per element that no loop around it can vectorise (about 6 ns an element, idle).
 *
 * <p>{@code exp(y) = exp(y / 4096)^4096}: a degree-11 Taylor polynomial on {@code [-0.25, 0]}
 * (truncation under 3e-16 relative there, under 3e-18 on {@code [-0.183, 0]}) squared twelve
 * times. Each squaring doubles the relative error and adds a rounding, so the result is within
 * about {@code 4096 * 2.2e-16 = 1e-12} relative of {@code exp(y)} (ExpTest measures it): far below
 * a float ulp, which is all the float kernels that use it need. The FLOAT64 kernels keep
 * {@link Math#exp}. Below {@link #FLOOR} the argument is clamped and the result underflows to 0,
 * as {@code exp} does from about -745; NaN stays NaN.
 *
 * <p>Branch-free: {@link Math#max} and products. The array form runs the polynomial and each
 * squaring as its own pass, so each loop is small enough for the JIT to unroll and vectorise.
 */
final class Exp {
    /** {@code exp(y)} squares {@code exp(y / 2^SQUARINGS)} this many times (a multiple of 4, the array form's squarings a pass). */
    private static final int SQUARINGS = 12;
    /** Where the argument is clamped: {@code exp(-1000 / 2)} squared once more underflows to exactly 0. */
    private static final double FLOOR = -1000;
    // 1/n! for the Taylor polynomial.
    private static final double E2 = 1.0 / 2;
    private static final double E3 = 1.0 / 6;
    private static final double E4 = 1.0 / 24;
    private static final double E5 = 1.0 / 120;
    private static final double E6 = 1.0 / 720;
    private static final double E7 = 1.0 / 5040;
    private static final double E8 = 1.0 / 40320;
    private static final double E9 = 1.0 / 362880;
    private static final double E10 = 1.0 / 3628800;
    private static final double E11 = 1.0 / 39916800;

    private Exp() {}

    /** {@code exp(y)} for {@code y <= 0}, within about 1e-12 relative; the same value as {@link #ofNonPositive(double[], int)}. */
    static double ofNonPositive(double y) {
        double p = polynomial(y);
        for (int k = 0; k < SQUARINGS; k++) {
            p *= p;
        }
        return p;
    }

    /** {@code y[i] = exp(y[i])} for the first {@code n} elements, each {@code <= 0}: vectorised passes. */
    static void ofNonPositive(double[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = polynomial(y[i]);
        }
        // Four squarings a pass: fewer passes over the array than one each (2.1 against 2.7 ns an
        // element with the polynomial, thread CPU time), and still a loop the JIT vectorises.
        for (int k = 0; k < SQUARINGS; k += 4) {
            for (int i = 0; i < n; i++) {
                double p = y[i];
                p *= p;
                p *= p;
                p *= p;
                p *= p;
                y[i] = p;
            }
        }
    }

    /**
     * Softmax's numerators of a contiguous float row: {@code e[k] = exp(a[ao + k] - max)} through
     * {@link #ofNonPositive(double[], int)}, the row widened into {@code e} first so that its
     * maximum, the subtraction and the exponentials all run over doubles in loops the JIT
     * vectorises or pipelines (0.9 ns an element for widening and maximum, against 1.9 for a
     * maximum over the floats and a second widening).
     *
     * @return the row's maximum; NaN if an element is NaN, which makes every numerator NaN
     */
    static double softmaxNumerators(float[] a, int ao, double[] e, int n) {
        for (int k = 0; k < n; k++) {
            e[k] = a[ao + k];
        }
        double max = max(e, 0, n);
        for (int k = 0; k < n; k++) {
            e[k] -= max;
        }
        ofNonPositive(e, n);
        return max;
    }

    /** Softmax's numerators of a contiguous double row: the FLOAT64 kernels' twin, with {@link Math#exp}. */
    static double softmaxNumerators(double[] a, int ao, double[] e, int n) {
        double max = max(a, ao, n);
        for (int k = 0; k < n; k++) {
            e[k] = Math.exp(a[ao + k] - max);
        }
        return max;
    }

    /**
     * The maximum of {@code n} doubles, NaN if one is NaN, with four running maxima: one waits for
     * the previous comparison at every element.
     */
    private static double max(double[] x, int off, int n) {
        double m0 = Double.NEGATIVE_INFINITY;
        double m1 = m0;
        double m2 = m0;
        double m3 = m0;
        int k = 0;
        for (; k + 4 <= n; k += 4) {
            m0 = Math.max(m0, x[off + k]);
            m1 = Math.max(m1, x[off + k + 1]);
            m2 = Math.max(m2, x[off + k + 2]);
            m3 = Math.max(m3, x[off + k + 3]);
        }
        for (; k < n; k++) {
            m0 = Math.max(m0, x[off + k]);
        }
        return Math.max(Math.max(m0, m1), Math.max(m2, m3));
    }

    /**
     * {@code e[k] = exp(y[yo + k * step])} for a float row of non-positive values (log-softmax's
     * output), through {@link #ofNonPositive(double[], int)}.
     */
    static void ofRow(float[] y, int yo, int step, double[] e, int n) {
        for (int k = 0; k < n; k++) {
            e[k] = y[yo + k * step];
        }
        ofNonPositive(e, n);
    }

    /** {@code e[k] = exp(y[yo + k * step])} for a double row: the FLOAT64 kernels' twin, with {@link Math#exp}. */
    static void ofRow(double[] y, int yo, int step, double[] e, int n) {
        for (int k = 0; k < n; k++) {
            e[k] = Math.exp(y[yo + k * step]);
        }
    }

    /** {@code exp(y / 4096)}: the polynomial before the squarings. */
    private static double polynomial(double y) {
        double t = Math.max(FLOOR, y) * (1.0 / (1 << SQUARINGS));
        return 1 + t * (1 + t * (E2 + t * (E3 + t * (E4 + t * (E5 + t * (E6 + t * (E7 + t * (E8 + t * (E9
                + t * (E10 + t * E11))))))))));
    }
}
