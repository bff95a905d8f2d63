package dev.nabla.samples.seed004;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Tensor;
import dev.nabla.autograd.OpGradcheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Seed 004: MyReLU, the straight-through estimator, gradcheck, and the custom-sigmoid exercise. */
class Seed004Test {
    private static final Pattern NUMBER = Pattern.compile("-?\\d+\\.\\d*");

    @Test
    void customReluGradientIsOneWhereTheInputIsNonNegativeAndZeroElsewhere() {
        List<String> lines = runMain().lines().toList();

        assertEquals("# custom ReLU", lines.get(0));
        assertTrue(lines.get(1).endsWith(", requires_grad=True)"), lines.get(1));
        double[] x = numbers(lines.get(1));
        double[] grad = numbers(lines.get(2));
        assertEquals(5, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i] >= 0 ? 1 : 0, grad[i], "x = " + x[i]);
        }
        assertTrue(lines.get(2).matches("tensor\\(\\[([01]\\., ){4}[01]\\.]\\)"), lines.get(2));
    }

    @Test
    void straightThroughEstimatorThresholdsAndPassesOnes() {
        String out = runMain();

        Matcher block = Pattern.compile("# straight-through estimator\n(.*)\n(.*)\n").matcher(out);
        assertTrue(block.find(), out);
        assertTrue(block.group(1).matches("tensor\\(\\[([01]\\., ){3}[01]\\.], grad_fn=<BinarizeBackward>\\)"), block.group(1));
        assertEquals("tensor([1., 1., 1., 1.])", block.group(2));
    }

    @Test
    void gradcheckPassesForMyReluAndFailsForTheStraightThroughEstimator() {
        String out = runMain();

        assertTrue(out.contains("# gradcheck\nMyReLU: true\nSTE:    false\nSTE, raising: Jacobian mismatch"), out);
        assertTrue(out.endsWith("# exercise: custom sigmoid\ngradcheck: true\nmatches sigmoid: true\n"), out);
    }

    @Test
    void mySigmoidHasTheSigmoidsValuesAndDerivative() {
        Tensor x = Tensor.of(0.0, 2.0, -3.0).requiresGrad(true);
        Tensor y = MySigmoidFunction.apply(x);
        double[] s = {0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(3))};
        assertArrayEquals(s, y.toDoubleArray(), 1e-15);
        assertEquals("MySigmoidBackward", y.gradFn().name());

        y.sum().backward();
        assertArrayEquals(new double[] {0.25, s[1] * (1 - s[1]), s[2] * (1 - s[2])}, x.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void mySigmoidsGeneratedGradientCheckPassesIncludingDoubleBackward() {
        OpGradcheck check = MySigmoidFunction.gradcheck();
        assertNull(check.disabledReason());
        check.run();
    }

    private static double[] numbers(String printedTensor) {
        return NUMBER.matcher(printedTensor).results().mapToDouble(r -> Double.parseDouble(r.group())).toArray();
    }

    /** Runs {@link Seed004#main} and returns what it printed, with {@code \n} line ends. */
    private static String runMain() {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            Seed004.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
