package dev.nabla.samples.seed001;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Tensor;
import dev.nabla.backend.Backends;
import dev.nabla.samples.ops.LinearOpFunction;
import dev.nabla.samples.seed000.CountingBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Seed 001: the custom LinearFunction (the DSL op LinearOp) and the Linear module built on it. */
class Seed001Test {
    @AfterEach
    void restoreCpuBackend() {
        Backends.use("cpu");
    }

    @Test
    void mainPrintsGradientsGradchecksAndTheModules() {
        String out = runMain();

        assertTrue(out.startsWith("# LinearFunction.apply(input, weight, bias)\ntensor([["), out);
        assertTrue(out.contains("grad_fn=<LinearOpBackward>)\ninput.grad  = tensor([["), out);
        // The output gradient is ones over a batch of 4, so each bias gradient is 4.
        assertTrue(out.contains("\nbias.grad   = tensor([4., 4.])\n"), out);
        assertTrue(out.contains("# needs_input_grad: only the weight requires grad, no bias\ninput.grad  = null\n"), out);
        assertTrue(out.contains("\nwithout bias: true\nwith bias:    true\n"), out);
        assertTrue(out.endsWith("# the module\n"
                + "Linear(input_features=20, output_features=30, bias=True)\n"
                + "  weight: [30, 20]\n"
                + "  bias: [30]\n"
                + "Linear(input_features=20, output_features=30, bias=False)\n"
                + "  weight: [30, 20]\n"
                + "output [128, 30], grad_fn=<LinearOpBackward>\n"), out);
    }

    @Test
    void linearFunctionGradientsMatchHandComputedOnes() {
        Tensor input = Tensor.of(new float[][] {{1, 2}, {3, 4}}).requiresGrad(true);
        Tensor weight = Tensor.of(new float[][] {{1, 0}, {0, 1}, {1, 1}}).requiresGrad(true);
        Tensor bias = Tensor.of(0.5f, -0.5f, 0f).requiresGrad(true);

        Tensor output = LinearOpFunction.apply(input, weight, bias);
        assertArrayEquals(new float[] {1.5f, 1.5f, 3, 3.5f, 3.5f, 7}, output.toFloatArray());
        output.backward(Tensor.onesLike(output));

        // grad_output.mm(weight), grad_output.t().mm(input) and grad_output.sum(0), with grad_output all ones.
        assertArrayEquals(new float[] {2, 2, 2, 2}, input.grad().toFloatArray());
        assertArrayEquals(new float[] {4, 6, 4, 6, 4, 6}, weight.grad().toFloatArray());
        assertArrayEquals(new float[] {2, 2, 2}, bias.grad().toFloatArray());
    }

    @Test
    void backwardSkipsTheGradientsNobodyNeeds() {
        Tensor input = Tensor.randn(4, 3);
        Tensor weight = Tensor.randn(2, 3).requiresGrad(true);

        Backends.use(CountingBackend.NAME);
        CountingBackend.reset();
        LinearOpFunction.apply(input, weight, null).sum().backward();
        // The forward's product and grad_weight's: grad_input = grad_output.mm(weight) is never computed.
        assertEquals(2L, CountingBackend.counts().get("matmul"));

        input.requiresGrad(true);
        CountingBackend.reset();
        LinearOpFunction.apply(input, weight, null).sum().backward();
        assertEquals(3L, CountingBackend.counts().get("matmul"));
    }

    @Test
    void linearModulePrintsItsExtraReprAndRegistersOnlyPresentParameters() {
        Linear withBias = new Linear(3, 4);
        Linear withoutBias = new Linear(3, 4, false);

        assertEquals("Linear(input_features=3, output_features=4, bias=True)", withBias.toString());
        assertEquals("Linear(input_features=3, output_features=4, bias=False)", withoutBias.toString());
        assertEquals(List.of("weight", "bias"), List.copyOf(withBias.namedParameters().keySet()));
        assertEquals(List.of("weight"), List.copyOf(withoutBias.namedParameters().keySet()));
        // The feature counts are plain fields, not state.
        assertEquals(List.of("weight", "bias"), List.copyOf(withBias.stateDict().keySet()));
        assertNull(withoutBias.bias());
        for (float w : withBias.weight().toFloatArray()) {
            assertTrue(w >= -0.1f && w <= 0.1f, "weight " + w + " outside U(-0.1, 0.1)");
        }
    }

    @Test
    void linearModuleForwardIsTheCustomOpAndTrainsBothParameters() {
        Linear linear = new Linear(3, 2);
        Tensor x = Tensor.randn(5, 3);

        Tensor y = linear.forward(x);
        assertEquals("LinearOpBackward", y.gradFn().name());
        assertArrayEquals(x.mm(linear.weight().t()).add(linear.bias()).toFloatArray(), y.toFloatArray(), 1e-6f);

        y.sum().backward();
        assertArrayEquals(Tensor.full(5, 2).toFloatArray(), linear.bias().grad().toFloatArray());
        assertArrayEquals(x.sum(0, true).expand(2, 3).toFloatArray(), linear.weight().grad().toFloatArray(), 1e-5f);
    }

    /** Runs {@link Seed001#main} and returns what it printed, with {@code \n} line ends. */
    private static String runMain() {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            Seed001.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
