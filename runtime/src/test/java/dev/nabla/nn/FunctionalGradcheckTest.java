package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every differentiable op of {@link Functional}: its gradients and second derivatives against
 * finite differences ({@link Gradcheck#check}, {@link Gradcheck#gradgradcheck}, float64,
 * PyTorch's default tolerances), for the weights and biases as well as the inputs, on small
 * random inputs (distinct values, so each pooling window has one maximum); and dropout, whose
 * output is random, by what it keeps.
 */
class FunctionalGradcheckTest {
    @BeforeEach
    void seed() {
        Nabla.manualSeed(7);
    }

    private static Tensor r(long... shape) {
        return Tensor.randn(DType.FLOAT64, shape).requiresGrad(true);
    }

    static Stream<Arguments> ops() {
        return Stream.of(
                Arguments.of("conv2d", (Gradcheck.Fn) x -> Functional.conv2d(x[0], x[1], x[2], 1, 1, 1, 1),
                        new long[][] {{2, 2, 4, 3}, {3, 2, 3, 3}, {3}}),
                Arguments.of("conv2d strided, dilated, grouped, no bias",
                        (Gradcheck.Fn) x -> Functional.conv2d(x[0], x[1], null, 2, 1, 2, 2),
                        new long[][] {{1, 4, 5, 5}, {2, 2, 2, 2}}),
                Arguments.of("conv1d", (Gradcheck.Fn) x -> Functional.conv1d(x[0], x[1], x[2], 2, 1, 1, 1),
                        new long[][] {{2, 2, 6}, {3, 2, 3}, {3}}),
                Arguments.of("linear", (Gradcheck.Fn) x -> Functional.linear(x[0], x[1], x[2]),
                        new long[][] {{3, 4}, {2, 4}, {2}}),
                Arguments.of("linear of a batch of sequences (flattened to rows)",
                        (Gradcheck.Fn) x -> Functional.linear(x[0], x[1], x[2]), new long[][] {{2, 3, 4}, {2, 4}, {2}}),
                Arguments.of("linear of a transposed batch", (Gradcheck.Fn) x -> Functional.linear(x[0].transpose(0, 1), x[1], x[2]),
                        new long[][] {{3, 2, 4}, {2, 4}, {2}}),
                Arguments.of("maxPool2d", (Gradcheck.Fn) x -> Functional.maxPool2d(x[0], 3, 2, 1),
                        new long[][] {{2, 2, 5, 4}}),
                Arguments.of("maxPool2d(2)", (Gradcheck.Fn) x -> Functional.maxPool2d(x[0], 2, 2, 0),
                        new long[][] {{2, 2, 6, 5}}),
                Arguments.of("maxPool2d(2) unbatched, of a transposed image",
                        (Gradcheck.Fn) x -> Functional.maxPool2d(x[0].transpose(1, 2), 2, 2, 0), new long[][] {{2, 4, 6}}),
                Arguments.of("avgPool2d", (Gradcheck.Fn) x -> Functional.avgPool2d(x[0], 3, 2, 1),
                        new long[][] {{2, 2, 5, 4}}),
                Arguments.of("adaptiveAvgPool2d", (Gradcheck.Fn) x -> Functional.adaptiveAvgPool2d(x[0], 2, 3),
                        new long[][] {{1, 2, 5, 4}}),
                Arguments.of("batchNorm training",
                        (Gradcheck.Fn) x -> Functional.batchNorm(x[0], null, null, x[1], x[2], true, 0.1, 1e-5),
                        new long[][] {{3, 2, 2, 2}, {2}, {2}}),
                Arguments.of("batchNorm evaluation", (Gradcheck.Fn) x -> Functional.batchNorm(x[0],
                        Tensor.of(0.1, -0.2), Tensor.of(0.5, 1.5), x[1], x[2], false, 0.1, 1e-5),
                        new long[][] {{3, 2, 2}, {2}, {2}}),
                Arguments.of("leakyRelu", (Gradcheck.Fn) x -> Functional.leakyRelu(x[0], 0.1), new long[][] {{3, 4}}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void gradcheck(String name, Gradcheck.Fn fn, long[][] shapes) {
        assertTrue(Gradcheck.check(fn, inputs(shapes)), name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void gradgradcheck(String name, Gradcheck.Fn fn, long[][] shapes) {
        assertTrue(Gradcheck.gradgradcheck(fn, inputs(shapes)), name);
    }

    @Test
    void dropoutScalesWhatItKeepsAndIsTheIdentityOutsideTraining() {
        Tensor x = Tensor.ones(DType.FLOAT64, 100_000).requiresGrad(true);
        assertSame(x, Functional.dropout(x, 0.3, false));
        Tensor y = Functional.dropout(x, 0.3, true);
        double[] v = y.toDoubleArray();
        long kept = java.util.Arrays.stream(v).filter(e -> e != 0).count();
        assertTrue(java.util.Arrays.stream(v).allMatch(e -> e == 0 || Math.abs(e - 1 / 0.7) < 1e-12), "0 or 1/(1-p)");
        assertEquals(0.7, kept / 1e5, 0.01, "the share kept");
        y.sum().backward();
        assertArrayEquals(v, x.grad().toDoubleArray(), "the gradient passes where kept, scaled alike");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Functional.dropout(x, 1.5, true));
        assertEquals("dropout: dropout probability has to be between 0 and 1, but got 1.5", e.getMessage());
    }

    private static Tensor[] inputs(long[][] shapes) {
        Tensor[] in = new Tensor[shapes.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = r(shapes[i]);
        }
        return in;
    }
}
