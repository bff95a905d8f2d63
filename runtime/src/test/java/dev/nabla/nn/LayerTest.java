package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Linear (against PyTorch, {@code nn/expected.json} "linear"), the activations, Dropout and Sequential. */
class LayerTest {
    private static final double TOL = 1e-12;

    @Test
    void linearMatchesPyTorchForwardAndBackward() {
        for (JsonNode c : TestData.load("/nn/expected.json").get("linear")) {
            String name = c.get("name").asText();
            boolean bias = !c.get("bias").isNull();
            Linear layer = new Linear(4, 2, bias);
            layer.to(DType.FLOAT64);
            Map<String, Tensor> state = bias
                    ? Map.of("weight", TestData.float64(c.get("weight")), "bias", TestData.float64(c.get("bias")))
                    : Map.of("weight", TestData.float64(c.get("weight")));
            layer.loadStateDict(state);
            Tensor x = TestData.float64(c.get("input")).requiresGrad(true);
            Tensor out = layer.forward(x);
            TestData.assertClose(c.get("output"), out, TOL, name + " output");
            if (x.dim() == 2) {
                assertEquals(c.get("grad_fn").asText(), out.gradFn().name(), name + " grad_fn");
            }
            out.backward(TestData.float64(c.get("grad_output")));
            TestData.assertClose(c.get("grad_input"), x.grad(), TOL, name + " grad input");
            TestData.assertClose(c.get("grad_weight"), layer.weight().grad(), TOL, name + " grad weight");
            if (bias) {
                TestData.assertClose(c.get("grad_bias"), layer.bias().grad(), TOL, name + " grad bias");
            }
        }
    }

    @Test
    void linearGradcheckAndDoubleBackward() {
        Linear layer = new Linear(3, 2);
        layer.to(DType.FLOAT64);
        Tensor x = Tensor.randn(DType.FLOAT64, 4, 3).requiresGrad(true);
        // Gradcheck perturbs its inputs in place, so passing the layer's own parameters checks their gradients too.
        assertTrue(Gradcheck.check(in -> layer.forward(in[0]), x, layer.weight(), layer.bias()));
        assertTrue(Gradcheck.gradgradcheck(in -> layer.forward(in[0]), x, layer.weight(), layer.bias()));
    }

    @Test
    void linearRejectsInputsOfTheWrongWidth() {
        Linear layer = new Linear(3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.forward(Tensor.zeros(4, 5)));
        assertEquals("Linear: expected an input whose last dimension is in_features=3, got shape [4, 5]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> layer.forward(Tensor.scalar(1)));
        assertThrows(IllegalArgumentException.class, () -> new Linear(-1, 2));
    }

    @Test
    void linearAcceptsOneAndThreeDimensionalInputs() {
        Linear layer = new Linear(3, 2);
        assertArrayEquals(new long[] {2}, layer.forward(Tensor.ones(3)).shape());
        assertArrayEquals(new long[] {5, 4, 2}, layer.forward(Tensor.ones(5, 4, 3)).shape());
        assertNull(new Linear(3, 2, false).bias());
    }

    @Test
    void linearDefaultInitialisationIsPyTorchs() {
        Nabla.manualSeed(7);
        Linear layer = new Linear(400, 300);
        double bound = 1 / Math.sqrt(400);
        double[] w = layer.weight().toDoubleArray();
        assertUniform(w, bound);
        double[] b = layer.bias().toDoubleArray();
        for (double v : b) {
            assertTrue(Math.abs(v) <= bound, "bias " + v + " beyond " + bound);
        }
        Nabla.manualSeed(7);
        assertArrayEquals(layer.weight().toFloatArray(), new Linear(400, 300).weight().toFloatArray(), "seeded");
    }

    /** All within [-bound, bound], reaching near both ends, with the mean and variance of U(-bound, bound). */
    static void assertUniform(double[] v, double bound) {
        double sum = 0;
        double sq = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            assertTrue(Math.abs(x) <= bound, x + " beyond " + bound);
            sum += x;
            sq += x * x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        int n = v.length;
        double mean = sum / n;
        double var = sq / n - mean * mean;
        double expectedVar = bound * bound / 3;
        // Sampling error of the mean is bound/sqrt(3n); of the variance about 0.9 expectedVar/sqrt(n). 6 sigma.
        assertEquals(0, mean, 6 * bound / Math.sqrt(3.0 * n), "mean");
        assertEquals(expectedVar, var, 6 * 0.9 * expectedVar / Math.sqrt(n), "variance");
        assertTrue(min < -0.99 * bound && max > 0.99 * bound, "the samples span the interval");
    }

    @Test
    void activationsApplyElementwise() {
        Tensor x = Tensor.of(-2.0, 0.0, 3.0);
        assertArrayEquals(new double[] {0, 0, 3}, new ReLU().forward(x).toDoubleArray());
        assertArrayEquals(new double[] {1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-3))},
                new Sigmoid().forward(x).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {Math.tanh(-2), 0, Math.tanh(3)}, new Tanh().forward(x).toDoubleArray(), 1e-15);
        Tensor leaf = Tensor.of(-1.0, 2.0).requiresGrad(true);
        assertEquals("ReluBackward0", new ReLU().forward(leaf).gradFn().name());
    }

    @Test
    void dropoutZeroesAndScalesInTrainingOnly() {
        Nabla.manualSeed(3);
        Dropout dropout = new Dropout(0.25);
        Tensor x = Tensor.ones(DType.FLOAT64, 20000).requiresGrad(true);
        Tensor y = dropout.forward(x);
        double[] v = y.toDoubleArray();
        int kept = 0;
        for (double e : v) {
            assertTrue(e == 0 || Math.abs(e - 1 / 0.75) < 1e-15, "each element is dropped or scaled by 1/(1-p): " + e);
            kept += e == 0 ? 0 : 1;
        }
        // Binomial(20000, 0.75): standard deviation about 61.
        assertEquals(15000, kept, 400);
        y.sum().backward();
        assertArrayEquals(v, x.grad().toDoubleArray(), "the gradient passes through the same mask and scale");
        dropout.eval();
        assertSame(x, dropout.forward(x), "evaluation returns the input");
        dropout.train();
        assertSame(x, new Dropout(0).forward(x));
        assertArrayEquals(new double[20000], new Dropout(1).forward(x).toDoubleArray());
    }

    @Test
    void dropoutValidatesP() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
        assertEquals("Dropout: probability has to be between 0 and 1, but got 1.5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Dropout(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Dropout().forward(Tensor.arange(3)));
    }

    @Test
    void sequentialChainsAndNamesByPosition() {
        Linear first = new Linear(2, 3);
        Sequential model = new Sequential(first, new ReLU());
        model.add(new Linear(3, 1));
        assertEquals(3, model.size());
        assertSame(first, model.get(0));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), new ArrayList<>(model.namedParameters().keySet()));
        Tensor x = Tensor.randn(4, 2);
        Tensor expected = ((Linear) model.get(2)).forward(first.forward(x).relu());
        assertArrayEquals(expected.toFloatArray(), model.forward(x).toFloatArray());
        List<UnaryModule> seen = new ArrayList<>();
        model.forEach(seen::add);
        assertEquals(3, seen.size());
        assertSame(x, new Sequential().forward(x));
        assertThrows(IndexOutOfBoundsException.class, () -> model.get(3));
        assertThrows(NullPointerException.class, () -> model.add(null));
        Linear replacement = new Linear(3, 1);
        model.registerModule("2", replacement);
        assertSame(replacement, model.get(2), "the chain follows re-registration");
    }
}
