package dev.nabla.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The float kernels' exponential of non-positive arguments against {@link Math#exp} (within 1 ulp of exp). */
class ExpTest {
    @Test
    void withinTwoTimesTenToTheMinusTwelveRelativeDownToUnderflow() {
        double worst = 0;
        double worstAt = 0;
        // A uniform grid through the normal range, then a finer one near 0, where softmax's
        // largest numerators are.
        for (int i = 0; i <= 2_000_000; i++) {
            double y = i < 1_000_000 ? -708.0 * i / 1_000_000 : -1.0 * (i - 1_000_000) / 1_000_000;
            double exact = Math.exp(y);
            double e = Math.abs(Exp.ofNonPositive(y) - exact) / exact;
            if (e > worst) {
                worst = e;
                worstAt = y;
            }
        }
        assertTrue(worst <= 2e-12, "largest relative error " + worst + " at y = " + worstAt);
    }

    @Test
    void limitsAndSpecialValues() {
        assertEquals(1.0, Exp.ofNonPositive(0.0));
        assertEquals(1.0, Exp.ofNonPositive(-0.0));
        assertEquals(0.0, Exp.ofNonPositive(-800));
        assertEquals(0.0, Exp.ofNonPositive(Double.NEGATIVE_INFINITY), "softmax's masked -inf gives exactly 0");
        assertTrue(Double.isNaN(Exp.ofNonPositive(Double.NaN)));
        // Where exp underflows into subnormals the error is absolute, and below a float's range.
        assertTrue(Exp.ofNonPositive(-740) < 1e-320);
    }

    @Test
    void arrayPassesGiveTheScalarValuesBitForBit() {
        Random random = new Random(3);
        int n = 777;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = i == 0 ? Double.NEGATIVE_INFINITY : i == 1 ? Double.NaN : i == 2 ? 0 : -Math.abs(random.nextGaussian() * (i % 2 == 0 ? 3 : 300));
        }
        double[] e = y.clone();
        Exp.ofNonPositive(e, n);
        for (int i = 0; i < n; i++) {
            assertEquals(Double.doubleToRawLongBits(Exp.ofNonPositive(y[i])), Double.doubleToRawLongBits(e[i]), "y = " + y[i]);
        }
    }

    @Test
    void softmaxNumeratorsOfFloatRowsUseItAndOfDoubleRowsUseMathExp() {
        float[] a = {9f, 1f, -2f, 3.5f, Float.NEGATIVE_INFINITY, 2f};
        double[] e = new double[5];
        assertEquals(3.5, Exp.softmaxNumerators(a, 1, e, 5), "the maximum of the row at offset 1");
        for (int k = 0; k < 5; k++) {
            assertEquals(Exp.ofNonPositive(a[1 + k] - 3.5), e[k]);
        }
        double[] d = {1, -2, 3.5, 0.25, -1};
        double[] ed = new double[d.length];
        assertEquals(3.5, Exp.softmaxNumerators(d, 0, ed, d.length));
        for (int k = 0; k < d.length; k++) {
            assertEquals(Math.exp(d[k] - 3.5), ed[k]);
        }
        float[] withNaN = {1f, Float.NaN, 2f, 0f, 5f};
        assertTrue(Double.isNaN(Exp.softmaxNumerators(withNaN, 0, e, 5)), "a NaN element makes the maximum NaN");
    }
}
