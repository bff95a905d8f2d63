package dev.nabla.samples.seed003;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Tensor;
import dev.nabla.nn.Parameter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Seed 003: the custom LinearModule and ReLULayer, and the MLP made of them. */
class Seed003Test {
    /** What PyTorch prints for the post's {@code MLP(10, 20, 5)}. */
    private static final String MLP_REPR = "MLP(\n"
            + "  (linear1): LinearModule()\n"
            + "  (relu): ReLULayer()\n"
            + "  (linear2): LinearModule()\n"
            + ")";

    @Test
    void mainPrintsTheModelItsParametersTheLayerAndAForwardPass() {
        String out = runMain();

        assertTrue(out.startsWith(MLP_REPR + "\n"
                + "linear1.weights: [20, 10]\n"
                + "linear1.bias: [20]\n"
                + "linear2.weights: [5, 20]\n"
                + "linear2.bias: [5]\n"
                + "\n# ReLULayer\n"
                + "tensor([0., 0., 2.], grad_fn=<MaximumBackward0>)\n"
                + "x.grad = tensor([0.0000, 0.5000, 1.0000])\n"
                + "\n# model(torch.randn(2, input_dim))\n"
                + "tensor([["), out);
        // Two rows of five, and the grad_fn of the last op of LinearModule.forward, the bias addition.
        assertTrue(out.matches("(?s).*\ntensor\\(\\[\\[[^\\]]*],\n {8}\\[[^\\]]*]],\n\\s*grad_fn=<AddBackward0>\\)\n"), out);
    }

    @Test
    void modelPrintsAsPyTorchPrintsIt() {
        assertEquals(MLP_REPR, new MLP(10, 20, 5).toString());
        assertEquals("LinearModule()", new LinearModule(2, 3).toString());
        assertEquals("ReLULayer()", new ReLULayer().toString());
    }

    @Test
    void parametersAreFoundThroughTheSubModules() {
        Map<String, Parameter> named = new MLP(10, 20, 5).namedParameters();
        assertEquals(List.of("linear1.weights", "linear1.bias", "linear2.weights", "linear2.bias"), List.copyOf(named.keySet()));
        assertEquals(10 * 20 + 20 + 20 * 5 + 5, named.values().stream().mapToLong(Tensor::numel).sum());
    }

    @Test
    void reluLayerZeroesNegativesAndSplitsTheGradientAtZero() {
        Tensor x = Tensor.of(-2f, 0f, 0.5f, 3f).requiresGrad(true);
        Tensor y = new ReLULayer().forward(x);
        assertArrayEquals(new float[] {0, 0, 0.5f, 3}, y.toFloatArray());
        y.sum().backward();
        assertArrayEquals(new float[] {0, 0.5f, 1, 1}, x.grad().toFloatArray());
    }

    @Test
    void forwardIsTwoAffineMapsAroundARelu() {
        MLP model = new MLP(3, 4, 2);
        Tensor x = Tensor.randn(5, 3);

        Tensor y = model.forward(x);

        assertArrayEquals(new long[] {5, 2}, y.shape());
        Map<String, Parameter> p = model.namedParameters();
        float[] hidden = affine(x.toFloatArray(), 5, 3, p.get("linear1.weights").toFloatArray(),
                p.get("linear1.bias").toFloatArray());
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = Math.max(hidden[i], 0);
        }
        float[] expected = affine(hidden, 5, 4, p.get("linear2.weights").toFloatArray(), p.get("linear2.bias").toFloatArray());
        assertArrayEquals(expected, y.toFloatArray(), 1e-4f);

        y.sum().backward();
        p.forEach((name, parameter) -> assertNotNull(parameter.grad(), name));
        // d sum(y) / d bias2 is one per row of the batch.
        assertArrayEquals(new float[] {5, 5}, p.get("linear2.bias").grad().toFloatArray());
    }

    /** {@code x W^T + b} for a row-major {@code x} of {@code [rows, in]} and {@code W} of {@code [out, in]}. */
    private static float[] affine(float[] x, int rows, int in, float[] w, float[] b) {
        int outFeatures = b.length;
        float[] y = new float[rows * outFeatures];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outFeatures; o++) {
                double sum = b[o];
                for (int i = 0; i < in; i++) {
                    sum += x[r * in + i] * w[o * in + i];
                }
                y[r * outFeatures + o] = (float) sum;
            }
        }
        return y;
    }

    /** Runs {@link Seed003#main} and returns what it printed, with {@code \n} line ends. */
    private static String runMain() {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            Seed003.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
