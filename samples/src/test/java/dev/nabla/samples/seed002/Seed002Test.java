package dev.nabla.samples.seed002;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Grad;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.nn.L1Loss;
import dev.nabla.nn.Reduction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Seed 002: autograd of a sum, a model around nn.Linear, and a custom L1 loss. */
class Seed002Test {
    @Test
    void mainPrintsWhatThePostPrintsInPyTorchsFormat() {
        List<String> lines = runMain().lines().toList();

        assertEquals(List.of("# Autograd", "tensor([1., 1., 1.])", "tensor([1., 1., 1.])", ""), lines.subList(0, 4));
        assertEquals("# torch.nn.Module", lines.get(4));
        assertTrue(lines.get(5).matches("tensor\\(\\[\\[-?\\d+\\.\\d{4}]], grad_fn=<AddmmBackward0>\\)"), lines.get(5));
        assertEquals("# custom loss", lines.get(7));
        assertTrue(lines.get(8).matches("tensor\\(\\d+\\.\\d{4}, grad_fn=<SumBackward0>\\)"), lines.get(8));
        assertEquals(9, lines.size());
    }

    @Test
    void printedNumbersAreThoseOfTheSeededModels() {
        List<String> lines = runMain().lines().toList();

        // main seeds the generator, then builds the model of the second example and that of the third.
        Nabla.manualSeed(Seed002.SEED);
        MyModel first = new MyModel();
        MyModel second = new MyModel();
        float[] w = second.linear().weight().toFloatArray();
        float b = second.linear().bias().toFloatArray()[0];

        assertEquals(first.forward(Tensor.of(new float[][] {{1, 2}})).toString(), lines.get(5));
        double loss = Math.abs(w[0] * 1 + w[1] * 2 + b - 2.5);
        assertEquals(loss, number(lines.get(8)), 5e-5);
    }

    @Test
    void customLossGradientIsTheSignOfTheErrorTimesTheInput() {
        MyModel model = new MyModel();
        try (Grad.Scope off = Grad.disabled()) {
            model.linear().weight().copy_(Tensor.of(new float[][] {{0.5f, -0.25f}}));
            model.linear().bias().fill_(0.1);
        }
        Tensor output = model.forward(Tensor.of(new float[][] {{1, 2}}));
        Tensor loss = new CustomLoss().forward(output, Tensor.of(new float[][] {{2.5f}}));

        // 0.5 * 1 - 0.25 * 2 + 0.1 = 0.1, which is 2.4 below the target.
        assertEquals(2.4, loss.item(), 1e-6);
        assertEquals("SumBackward0", loss.gradFn().name());
        loss.backward();
        assertArrayEquals(new float[] {-1, -2}, model.linear().weight().grad().toFloatArray());
        assertArrayEquals(new float[] {-1}, model.linear().bias().grad().toFloatArray());
    }

    @Test
    void customLossIsASummedL1Loss() {
        Tensor yPred = Tensor.randn(3, 4);
        Tensor yTrue = Tensor.randn(3, 4);
        assertEquals(new L1Loss(Reduction.SUM).forward(yPred, yTrue).item(), new CustomLoss().forward(yPred, yTrue).item(),
                1e-5);
    }

    @Test
    void modulesPrintAsInPyTorch() {
        assertEquals("MyModel(\n  (linear): Linear(in_features=2, out_features=1, bias=True)\n)", new MyModel().toString());
        assertEquals("CustomLoss()", new CustomLoss().toString());
    }

    private static double number(String printedTensor) {
        Matcher m = Pattern.compile("-?\\d+\\.\\d+").matcher(printedTensor);
        assertTrue(m.find(), printedTensor);
        return Double.parseDouble(m.group());
    }

    /** Runs {@link Seed002#main} and returns what it printed, with {@code \n} line ends. */
    private static String runMain() {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            Seed002.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
