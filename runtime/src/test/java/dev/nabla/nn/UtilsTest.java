package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.DType;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link Utils#clipGradNorm} and {@link Utils#clipGradValue} against {@code nn/clip.json},
 * written by {@code nn/make_clip.py} with PyTorch 1.13: the returned total norm and the clipped
 * gradients must match within {@code 1e-12} relative for float64 and {@code 1e-6} for float32
 * (where the sums of squares round differently); NaN and infinite elements must match exactly.
 */
class UtilsTest {
    @TestFactory
    Stream<DynamicTest> everyCaseMatchesPyTorch() {
        JsonNode cases = TestData.load("/nn/clip.json").get("cases");
        return StreamSupport.stream(cases.spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> replay(c)));
    }

    private static void replay(JsonNode c) {
        String name = c.get("name").asText();
        DType dtype = c.get("dtype").asText().equals("float32") ? DType.FLOAT32 : DType.FLOAT64;
        double tol = dtype == DType.FLOAT32 ? 1e-6 : 1e-12;
        List<Tensor> params = new ArrayList<>();
        for (JsonNode g : c.get("grads")) {
            Tensor grad = Tensor.of(values(g)).reshape(TestData.shape(g)).to(dtype);
            Tensor p = Tensor.zerosLike(grad).requiresGrad(true);
            p.setGrad(grad);
            params.add(p);
        }
        Tensor noGrad = Tensor.zeros(dtype, 2).requiresGrad(true);
        params.add(noGrad);
        if (c.get("fn").asText().equals("norm")) {
            double total = Utils.clipGradNorm(params, c.get("arg").asDouble());
            assertClose(number(c.get("total_norm")), total, tol, name + ": total norm");
        } else {
            Utils.clipGradValue(params, c.get("arg").asDouble());
        }
        assertNull(noGrad.grad(), name);
        for (int i = 0; i < 2; i++) {
            Tensor grad = params.get(i).grad();
            assertEquals(dtype, grad.dtype(), name);
            double[] expected = values(c.get("expected_grads").get(i));
            double[] actual = grad.toDoubleArray();
            for (int k = 0; k < expected.length; k++) {
                assertClose(expected[k], actual[k], tol, name + ": gradient " + i + " element " + k);
            }
        }
    }

    private static void assertClose(double expected, double actual, double tol, String what) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
        } else {
            assertEquals(expected, actual, tol * Math.max(1, Math.abs(expected)), what);
        }
    }

    private static double number(JsonNode v) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        switch (v.asText()) {
            case "nan":
                return Double.NaN;
            case "inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            default:
                throw new AssertionError("not a number: " + v);
        }
    }

    private static double[] values(JsonNode t) {
        JsonNode v = t.get("values");
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(v.get(i));
        }
        return out;
    }

    @Test
    void noGradientsGiveZeroAndBadArgumentsAreRejected() {
        assertEquals(0.0, Utils.clipGradNorm(List.of(Tensor.zeros(3).requiresGrad(true)), 1.0));
        assertEquals(0.0, Utils.clipGradNorm(List.of(), 1.0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Utils.clipGradNorm(List.of(Tensor.zeros(1)), -1));
        assertEquals("clipGradNorm: maxNorm must be non-negative, got -1.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Utils.clipGradNorm(List.of(Tensor.zeros(1)), Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Utils.clipGradValue(List.of(Tensor.zeros(1)), -0.5));
        assertThrows(IllegalArgumentException.class, () -> Utils.clipGradValue(null, 1));
        e = assertThrows(IllegalArgumentException.class,
                () -> Utils.clipGradNorm(Arrays.asList(Tensor.zeros(1), null), 1));
        assertEquals("clipGradNorm: parameter 1 is null", e.getMessage());
    }

    @Test
    void clippingWorksOnModuleParametersAndKeepsTheGradientObjects() {
        Linear layer = new Linear(3, 2);
        layer.forward(Tensor.ones(4, 3).mul(10)).sum().backward();
        Tensor grad = layer.weight().grad();
        double total = Utils.clipGradNorm(layer.parameters(), 0.5);
        assertTrue(total > 0.5);
        assertSame(grad, layer.weight().grad());
        double sum = 0;
        for (Parameter p : layer.parameters()) {
            Tensor g = p.grad().to(DType.FLOAT64);
            sum += g.mul(g).sum().item();
        }
        assertEquals(0.5, Math.sqrt(sum), 1e-5);
        Utils.clipGradValue(layer.parameters(), 0.01);
        for (Parameter p : layer.parameters()) {
            for (float v : p.grad().toFloatArray()) {
                assertTrue(Math.abs(v) <= 0.01f, "clipped to 0.01: " + v);
            }
        }
        assertArrayEquals(new long[] {2, 3}, layer.weight().grad().shape());
    }
}
