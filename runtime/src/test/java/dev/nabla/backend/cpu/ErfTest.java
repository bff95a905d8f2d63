package dev.nabla.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.backend.UnaryOp;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The float error function's rational approximation against the double one, which is within
 * 1.3e-15 relative of the exact erf (its own Javadoc), a billion times finer than a float ulp:
 * so the double value serves as the exact reference here.
 */
class ErfTest {
    /** Faithful rounding: the float result is one of the two floats around the exact value. */
    private static final double MAX_ULPS = 1.0;

    /** The spacing of floats around {@code exact}: where it rounds up to a power of two, the finer one below. */
    private static double floatUlp(double exact) {
        float rounded = (float) Math.abs(exact);
        return rounded > Math.abs(exact) ? Math.ulp(Math.nextDown(rounded)) : Math.ulp(rounded);
    }

    private static double ulpError(float x) {
        double exact = Erf.erf((double) x);
        return Math.abs(Erf.erf(x) - exact) / floatUlp(exact);
    }

    @Test
    void withinOneUlpOnEveryThousandthFloatAndAFineGrid() {
        double worst = 0;
        float worstAt = 0;
        // Every 1009th bit pattern from the smallest subnormal to 6 (about 1.1 million floats), so
        // each binade is sampled as densely as the next, then a uniform grid through [0, 6]
        // where erf bends and saturates.
        int last = Float.floatToRawIntBits(6f);
        for (int bits = 1; bits <= last; bits += 1009) {
            float x = Float.intBitsToFloat(bits);
            double e = ulpError(x);
            if (e > worst) {
                worst = e;
                worstAt = x;
            }
        }
        for (int i = 0; i <= 1_000_000; i++) {
            float x = i * 6e-6f;
            double e = ulpError(x);
            if (e > worst) {
                worst = e;
                worstAt = x;
            }
        }
        assertTrue(worst <= MAX_ULPS, "largest error " + worst + " ulp at x = " + worstAt);
    }

    @Test
    void oddSoNegativeArgumentsMirrorPositiveOnes() {
        for (int i = 0; i <= 100_000; i++) {
            float x = i * 6e-5f;
            assertEquals(Float.floatToRawIntBits(-Erf.erf(x)), Float.floatToRawIntBits(Erf.erf(-x)), "x = " + x);
        }
    }

    @Test
    void limitsZerosAndNaN() {
        assertEquals(1f, Erf.erf(Float.POSITIVE_INFINITY));
        assertEquals(-1f, Erf.erf(Float.NEGATIVE_INFINITY));
        assertEquals(1f, Erf.erf(Float.MAX_VALUE));
        assertEquals(-1f, Erf.erf(-4f));
        assertEquals(1f, Erf.erf(4f), "erfc(4) = 1.5e-8 is under half an ulp below 1");
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(Erf.erf(0f)));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Erf.erf(-0f)));
        assertTrue(Float.isNaN(Erf.erf(Float.NaN)));
    }

    @Test
    void theKernelsContiguousAndStridedLoopsAgreeWithTheScalarFunction() {
        float[] a = new float[64];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i - 32) * 0.15f;
        }
        a[5] = Float.NaN;
        a[6] = Float.NEGATIVE_INFINITY;
        float[] contiguous = new float[a.length];
        FloatKernels.unary(UnaryOp.ERF, a, 0, 1, contiguous, 0, 1, a.length);
        float[] strided = new float[2 * a.length];
        FloatKernels.unary(UnaryOp.ERF, a, 0, 1, strided, 0, 2, a.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(Erf.erf(a[i]), contiguous[i], "contiguous, x = " + a[i]);
            assertEquals(Erf.erf(a[i]), strided[2 * i], "strided, x = " + a[i]);
        }
    }

    /**
     * The float GELU against the double one: within one float ulp of the exact value, plus, where
     * {@code 1 + erf} cancels (negative {@code x}), the rational erf's absolute error (2.0e-9 as
     * fitted, 2.1e-9 with the rounding of its evaluation in double) scaled by {@code |x| / 2};
     * below {@code -4 sqrt 2}, where it gives -0, within 5e-8 of 0.
     */
    @Test
    void floatGeluIsWithinAnUlpPlusTheCancellationOfOnePlusErf() {
        double worst = 0;
        float worstAt = 0;
        for (int i = -1_000_000; i <= 1_000_000; i++) {
            float x = i * 1e-5f;
            double exact = Erf.gelu((double) x);
            double allowed = x <= -4 * Math.sqrt(2) ? 5e-8 : floatUlp(exact) + (x < 0 ? 1.05e-9 * -x : 0);
            double e = Math.abs(Erf.gelu(x) - exact) / allowed;
            if (e > worst) {
                worst = e;
                worstAt = x;
            }
        }
        assertTrue(worst <= 1, "largest error " + worst + " of the allowed at x = " + worstAt);
    }

    @Test
    void geluLimitsZerosAndNaN() {
        assertEquals(Float.POSITIVE_INFINITY, Erf.gelu(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(Erf.gelu(Float.NEGATIVE_INFINITY)), "-inf * (1 + erf(-inf)) = -inf * 0, as PyTorch's");
        assertTrue(Float.isNaN(Erf.gelu(Float.NaN)));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Erf.gelu(-6f)), "erf is exactly -1 below -4 sqrt 2");
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Erf.gelu(-0f)));
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(Erf.gelu(0f)));
        assertEquals(1000f, Erf.gelu(1000f));
        assertLoopsGive(UnaryOp.GELU, Erf::gelu);
    }

    /** The kernel's contiguous and strided loops for {@code op} give {@code scalar}'s values. */
    private static void assertLoopsGive(UnaryOp op, UnaryOperator<Float> scalar) {
        float[] a = {-3f, -0.5f, 0f, 0.7f, 2.5f, Float.NaN};
        float[] contiguous = new float[a.length];
        FloatKernels.unary(op, a, 0, 1, contiguous, 0, 1, a.length);
        float[] strided = new float[2 * a.length];
        FloatKernels.unary(op, a, 0, 1, strided, 0, 2, a.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(scalar.apply(a[i]), contiguous[i], op + " contiguous, x = " + a[i]);
            assertEquals(scalar.apply(a[i]), strided[2 * i], op + " strided, x = " + a[i]);
        }
    }

    /**
     * The contiguous GELU loops work in blocks of doubles (vectorised) where the scalar functions
     * work one element at a time: the same values, bit for bit, over several blocks and a
     * partial one, at an offset, for ordinary values and every special one (the erf clamp at
     * {@code +-4 sqrt 2} and just inside it, zeros, infinities, NaN, the density's underflow).
     */
    @Test
    void blockLoopsGiveTheScalarValuesBitForBit() {
        java.util.Random random = new java.util.Random(7);
        float clamp = (float) (4 * Math.sqrt(2));
        float[] special = {0f, -0f, clamp, -clamp, Math.nextDown(clamp), -Math.nextDown(clamp), Math.nextUp(clamp),
            38.6f, -38.6f, 40f, -40f, 1e30f, -1e30f, Float.MIN_VALUE, -Float.MIN_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        int offset = 3;
        int n = 1000;
        float[] a = new float[offset + n];
        for (int i = 0; i < n; i++) {
            a[offset + i] = i < special.length ? special[i] : (float) (random.nextGaussian() * (i % 3 == 0 ? 8 : 1.5));
        }
        for (UnaryOp op : new UnaryOp[] {UnaryOp.GELU, UnaryOp.GELU_SLOPE}) {
            UnaryOperator<Float> scalar = op == UnaryOp.GELU ? Erf::gelu : Erf::geluSlope;
            float[] c = new float[offset + n + 2];
            FloatKernels.unary(op, a, offset, 1, c, offset + 2, 1, n);
            for (int i = 0; i < n; i++) {
                float x = a[offset + i];
                assertEquals(Float.floatToRawIntBits(scalar.apply(x)), Float.floatToRawIntBits(c[offset + 2 + i]),
                        op + " at x = " + x + " (element " + i + ")");
            }
        }
    }

    /**
     * GELU's float derivative against the double one: within one float ulp, plus the absolute
     * error of {@code (1 + erf) / 2} (half the 2.1e-9 above), plus below {@code -4 sqrt 2}, where
     * erf is exactly -1, the dropped {@code erfc(4) / 2 < 8e-9}.
     */
    @Test
    void floatGeluSlopeIsWithinAnUlpPlusTheErrorOfItsErf() {
        double worst = 0;
        float worstAt = 0;
        for (int i = -1_000_000; i <= 1_000_000; i++) {
            float x = i * 1e-5f;
            double exact = Erf.geluSlope((double) x);
            double allowed = floatUlp(exact) + 1.05e-9 + (x <= -4 * Math.sqrt(2) ? 8e-9 : 0);
            double e = Math.abs(Erf.geluSlope(x) - exact) / allowed;
            if (e > worst) {
                worst = e;
                worstAt = x;
            }
        }
        assertTrue(worst <= 1, "largest error " + worst + " of the allowed at x = " + worstAt);
        assertEquals(0.5f, Erf.geluSlope(0f));
        assertEquals(1f, Erf.geluSlope(30f));
        assertEquals(0f, Erf.geluSlope(-30f), 0f, "(1 + erf) / 2 is exactly 0 and x phi(x) -0.0 in float");
        assertTrue(Float.isNaN(Erf.geluSlope(Float.POSITIVE_INFINITY)), "1 + inf * 0, as PyTorch's");
        assertTrue(Float.isNaN(Erf.geluSlope(Float.NaN)));
        assertLoopsGive(UnaryOp.GELU_SLOPE, Erf::geluSlope);
    }
}
