package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import org.junit.jupiter.api.Test;

/** The distributions of {@link Init}, on float64 tensors large enough for tight statistics. */
class InitTest {
    @Test
    void gainsAreTorchs() {
        assertEquals(1, Init.calculateGain(Init.Nonlinearity.LINEAR));
        assertEquals(1, Init.calculateGain(Init.Nonlinearity.SIGMOID));
        assertEquals(5.0 / 3, Init.calculateGain(Init.Nonlinearity.TANH));
        assertEquals(Math.sqrt(2), Init.calculateGain(Init.Nonlinearity.RELU));
        assertEquals(Math.sqrt(2 / 1.0001), Init.calculateGain(Init.Nonlinearity.LEAKY_RELU), 1e-15);
        assertEquals(Math.sqrt(2 / 6.0), Init.calculateGain(Init.Nonlinearity.LEAKY_RELU, Math.sqrt(5)), 1e-15);
        assertEquals(0.75, Init.calculateGain(Init.Nonlinearity.SELU));
    }

    @Test
    void kaimingUniformUsesTheFanOfTheMode() {
        Nabla.manualSeed(11);
        Tensor t = Tensor.zeros(DType.FLOAT64, 200, 50, 3);
        Init.kaimingUniform_(t, 0, Init.FanMode.FAN_IN, Init.Nonlinearity.RELU);
        LayerTest.assertUniform(t.toDoubleArray(), Math.sqrt(2) * Math.sqrt(3.0 / 150));
        Init.kaimingUniform_(t, 0, Init.FanMode.FAN_OUT, Init.Nonlinearity.RELU);
        LayerTest.assertUniform(t.toDoubleArray(), Math.sqrt(2) * Math.sqrt(3.0 / 600));
    }

    @Test
    void normalInitialisationsHaveTheirStandardDeviation() {
        Nabla.manualSeed(12);
        Tensor t = Tensor.zeros(DType.FLOAT64, 300, 200);
        assertStd(Init.kaimingNormal_(t, 0, Init.FanMode.FAN_IN, Init.Nonlinearity.TANH), 5.0 / 3 / Math.sqrt(200));
        assertStd(Init.xavierNormal_(t, 2), 2 * Math.sqrt(2.0 / 500));
        assertStd(Init.normal_(t, 0, 0.3), 0.3);
        assertStd(Init.kaimingNormal_(t), Math.sqrt(2 / 1.0001) / Math.sqrt(200));
    }

    private static void assertStd(Tensor t, double std) {
        double[] v = t.toDoubleArray();
        double sum = 0;
        double sq = 0;
        for (double x : v) {
            sum += x;
            sq += x * x;
        }
        int n = v.length;
        double mean = sum / n;
        // Standard errors: std/sqrt(n) for the mean, std/sqrt(2n) for the standard deviation; 6 sigma.
        assertEquals(0, mean, 6 * std / Math.sqrt(n), "mean");
        assertEquals(std, Math.sqrt(sq / n - mean * mean), 6 * std / Math.sqrt(2.0 * n), "standard deviation");
    }

    @Test
    void xavierUniformBound() {
        Nabla.manualSeed(13);
        Tensor t = Init.xavierUniform_(Tensor.zeros(DType.FLOAT64, 250, 150));
        LayerTest.assertUniform(t.toDoubleArray(), Math.sqrt(6.0 / 400));
    }

    @Test
    void constantsAndReturnValues() {
        Tensor t = Tensor.zeros(2, 2);
        assertSame(t, Init.ones_(t));
        assertArrayEquals(new float[] {1, 1, 1, 1}, t.toFloatArray());
        Init.constant_(t, 2.5);
        assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f, 2.5f}, t.toFloatArray());
        Init.zeros_(t);
        assertArrayEquals(new float[4], t.toFloatArray());
        for (float v : Init.uniform_(t).toFloatArray()) {
            assertTrue(v >= 0 && v < 1);
        }
    }

    @Test
    void initialisingAParameterRecordsNoGraph() {
        Parameter p = new Parameter(Tensor.zeros(3, 4));
        int version = p.version();
        Init.kaimingUniform_(p);
        assertTrue(p.isLeaf());
        assertTrue(p.version() > version);
        assertFalse(p.toString().contains("grad_fn"));
    }

    @Test
    void seedingReproduces() {
        Nabla.manualSeed(5);
        float[] a = Init.xavierNormal_(Tensor.zeros(5, 5)).toFloatArray();
        Nabla.manualSeed(5);
        assertArrayEquals(a, Init.xavierNormal_(Tensor.zeros(5, 5)).toFloatArray());
    }

    @Test
    void fansNeedTwoDimensions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Init.xavierUniform_(Tensor.zeros(5)));
        assertEquals("Init.xavierUniform_: fan in and fan out can not be computed for a tensor with fewer than 2"
                + " dimensions, got shape [5]", e.getMessage());
        assertArrayEquals(new float[0], Init.kaimingUniform_(Tensor.zeros(0, 3)).toFloatArray(), "empty: left alone");
    }
}
