package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Grad;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.autograd.ForwardAD;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward-mode AD through every op of {@link Functional}: each op's tangent against finite
 * differences and against its backward ({@link Gradcheck} with {@code checkForwardAD}, float64,
 * PyTorch's default tolerances {@code atol 1e-5}, {@code rtol 1e-3}), for the weights, biases and
 * targets as well as the inputs. Full mode moves one input element at a time, so each input's
 * tangent is checked alone (the rules' branches for absent tangents included); fast mode moves all
 * inputs along one random direction at once and compares {@code <v, J u>} from the jvp with
 * {@code <J^T v, u>} from the backward. The rules written by hand in a {@code Function} are also
 * differentiated in reverse mode, through the tangents they compute.
 */
class FunctionalForwardADTest {
    private static final Gradcheck.Options FULL = Gradcheck.Options.defaults().withCheckForwardAD(true);
    private static final Gradcheck.Options FAST = FULL.withFastMode(true);

    @BeforeEach
    void seed() {
        Nabla.manualSeed(11);
    }

    /** Standard normal float64 samples that require grad. */
    private static Tensor r(long... shape) {
        return Tensor.randn(DType.FLOAT64, shape).requiresGrad(true);
    }

    /** These float64 values, requiring grad. */
    private static Tensor leaf(double... values) {
        return Tensor.of(values).requiresGrad(true);
    }

    /**
     * The gradient of MaxPool2d(2) at a fixed image {@code [2, 2, 4, 6]} of distinct values, as a
     * function of the output gradient {@code g}: linear in {@code g} (the scatter onto the image),
     * so its tangent and its own gradient are the scatter's and the gather's. A graph is built
     * whatever the caller's grad mode, so that the backward runs.
     */
    private static Tensor maxPoolGradient(Tensor g) {
        double[] values = new double[2 * 2 * 4 * 6];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.sin(1.7 * i + 0.3);
        }
        try (Grad.Scope on = Grad.enabled()) {
            Tensor image = Tensor.of(values).reshape(2, 2, 4, 6).requiresGrad(true);
            return Autograd.grad(new Tensor[] {Functional.maxPool2d(image, 2, 2, 0)}, new Tensor[] {image},
                    new Tensor[] {g}, true, true)[0];
        }
    }

    private static Arguments op(String name, Gradcheck.Fn fn, Supplier<Tensor[]> inputs) {
        return Arguments.of(name, fn, inputs);
    }

    static Stream<Arguments> ops() {
        Tensor classes = Tensor.of(2L, 0L, 1L, 2L);
        Tensor withIgnored = Tensor.of(2L, 1L, 0L, 1L);
        Tensor spatialTargets = Tensor.of(0L, 2L, 1L, 2L, 1L, 0L).reshape(2, 3);
        Tensor keep = Tensor.of(true, false, true, true, false, true, true, true, false, true, true, false, true, true, true)
                .reshape(3, 5);
        return Stream.of(
                op("linear, 2-D with bias (the fused addmm)", x -> Functional.linear(x[0], x[1], x[2]),
                        () -> new Tensor[] {r(3, 4), r(2, 4), r(2)}),
                op("linear, 3-D without bias", x -> Functional.linear(x[0], x[1], null), () -> new Tensor[] {r(2, 3, 4), r(5, 4)}),
                op("conv1d", x -> Functional.conv1d(x[0], x[1], x[2], 2, 1, 1, 1),
                        () -> new Tensor[] {r(2, 2, 6), r(3, 2, 3), r(3)}),
                op("conv2d padded", x -> Functional.conv2d(x[0], x[1], x[2], 1, 1, 1, 1),
                        () -> new Tensor[] {r(2, 2, 4, 3), r(3, 2, 3, 3), r(3)}),
                op("conv2d strided, dilated, grouped", x -> Functional.conv2d(x[0], x[1], null, 2, 1, 2, 2),
                        () -> new Tensor[] {r(1, 4, 5, 5), r(2, 2, 2, 2)}),
                op("conv2d unbatched", x -> Functional.conv2d(x[0], x[1], x[2], 1, 0, 1, 1),
                        () -> new Tensor[] {r(2, 3, 3), r(2, 2, 2, 2), r(2)}),
                op("maxPool2d", x -> Functional.maxPool2d(x[0], 3, 2, 1), () -> new Tensor[] {r(2, 2, 5, 4)}),
                op("maxPool2d(2)", x -> Functional.maxPool2d(x[0], 2, 2, 0), () -> new Tensor[] {r(2, 2, 4, 6)}),
                op("maxPool2d(2)'s backward as a function of the output gradient", x -> maxPoolGradient(x[0]),
                        () -> new Tensor[] {r(2, 2, 2, 3)}),
                op("avgPool2d", x -> Functional.avgPool2d(x[0], 3, 2, 1), () -> new Tensor[] {r(2, 2, 5, 4)}),
                op("adaptiveAvgPool2d", x -> Functional.adaptiveAvgPool2d(x[0], 2, 3), () -> new Tensor[] {r(1, 2, 5, 4)}),
                op("batchNorm training, updating running statistics",
                        x -> Functional.batchNorm(x[0], Tensor.zeros(DType.FLOAT64, 2), Tensor.ones(DType.FLOAT64, 2), x[1],
                                x[2], true, 0.1, 1e-5),
                        () -> new Tensor[] {r(3, 2, 2, 2), r(2), r(2)}),
                op("batchNorm evaluation", x -> Functional.batchNorm(x[0], Tensor.of(0.1, -0.2), Tensor.of(0.5, 1.5), x[1],
                        x[2], false, 0.1, 1e-5), () -> new Tensor[] {r(3, 2, 2), r(2), r(2)}),
                op("layerNorm", x -> Functional.layerNorm(x[0], new long[] {3, 4}, x[1], x[2], 1e-5),
                        () -> new Tensor[] {r(2, 3, 4), r(3, 4), r(3, 4)}),
                op("embedding, rows used twice", x -> Functional.embedding(Tensor.of(0L, 2L, 2L, 4L, 1L, 0L).reshape(2, 3), x[0]),
                        () -> new Tensor[] {r(5, 3)}),
                op("gelu", x -> Functional.gelu(x[0]), () -> new Tensor[] {r(3, 4)}),
                op("silu", x -> Functional.silu(x[0]), () -> new Tensor[] {r(3, 4)}),
                op("softplus, both sides of the threshold", x -> Functional.softplus(x[0]),
                        () -> new Tensor[] {leaf(-30, -3, -0.5, 0.1, 2, 19.5, 25)}),
                op("leakyRelu", x -> Functional.leakyRelu(x[0], 0.1), () -> new Tensor[] {r(3, 4)}),
                op("dropout training, the mask drawn again from one seed", x -> {
                    Nabla.manualSeed(3);
                    return Functional.dropout(x[0], 0.4, true);
                }, () -> new Tensor[] {r(4, 5)}),
                op("dropout evaluation", x -> Functional.dropout(x[0], 0.4, false), () -> new Tensor[] {r(4, 5)}),
                op("scaledDotProductAttention, bool mask",
                        x -> Functional.scaledDotProductAttention(x[0], x[1], x[2], keep, false),
                        () -> new Tensor[] {r(2, 3, 4), r(2, 5, 4), r(2, 5, 3)}),
                op("scaledDotProductAttention, float mask",
                        x -> Functional.scaledDotProductAttention(x[0], x[1], x[2], x[3], false),
                        () -> new Tensor[] {r(2, 3, 4), r(2, 5, 4), r(2, 5, 3), r(3, 5)}),
                op("scaledDotProductAttention, causal", x -> Functional.scaledDotProductAttention(x[0], x[1], x[2], null, true),
                        () -> new Tensor[] {r(2, 4, 3), r(2, 4, 3), r(2, 4, 2)}),
                op("crossEntropy", x -> Functional.crossEntropy(x[0], classes), () -> new Tensor[] {r(4, 3)}),
                op("crossEntropy with ignoreIndex and labelSmoothing",
                        x -> Functional.crossEntropy(x[0], withIgnored, 1, 0.2), () -> new Tensor[] {r(4, 3)}),
                op("crossEntropy of [N, C, d] with labelSmoothing", x -> Functional.crossEntropy(x[0], spatialTargets, -100, 0.1),
                        () -> new Tensor[] {r(2, 3, 3)}),
                op("nllLoss", x -> Functional.nllLoss(x[0].logSoftmax(1), classes), () -> new Tensor[] {r(4, 3)}),
                op("binaryCrossEntropyWithLogits, target differentiated too",
                        x -> Functional.binaryCrossEntropyWithLogits(x[0], x[1]), () -> new Tensor[] {r(3, 4), r(3, 4)}),
                op("oneHot as a constant factor",
                        x -> x[0].mul(Functional.oneHot(Tensor.of(1L, 0L, 3L), 4).to(DType.FLOAT64)),
                        () -> new Tensor[] {r(3, 4)}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void jvpMatchesFiniteDifferencesInEveryDirection(String name, Gradcheck.Fn fn, Supplier<Tensor[]> inputs) {
        assertTrue(Gradcheck.check(fn, FULL, inputs.get()), name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void jvpOfAllInputsAtOnceAgreesWithTheBackward(String name, Gradcheck.Fn fn, Supplier<Tensor[]> inputs) {
        assertTrue(Gradcheck.check(fn, FAST, inputs.get()), name);
    }

    @Test
    void oneHotIsNotDifferentiableAndTakesNoTangent() {
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor x = ForwardAD.makeDual(Tensor.of(0.5, 1.5, -2), Tensor.of(1.0, 2.0, 3.0));
            Tensor classes = Functional.oneHot(Tensor.of(2L, 0L, 1L), 3);
            assertEquals(DType.INT64, classes.dtype());
            assertNull(ForwardAD.tangent(classes));
            Tensor picked = x.unsqueeze(0).mul(classes.to(DType.FLOAT64)).sum(1, false);
            assertArrayEquals(new double[] {3, 1, 2}, ForwardAD.tangent(picked).toDoubleArray(), 0);
        }
    }

    @Test
    void dropoutScalesTheTangentWithTheMaskOfItsOutput() {
        Tensor x = Tensor.randn(DType.FLOAT64, 200);
        Tensor u = Tensor.randn(DType.FLOAT64, 200);
        Tensor[] r = Autograd.jvp(in -> Functional.dropout(in[0], 0.25, true), new Tensor[] {x}, new Tensor[] {u});
        double[] out = r[0].toDoubleArray();
        double[] xs = x.toDoubleArray();
        double[] us = u.toDoubleArray();
        double[] tangent = r[1].toDoubleArray();
        int kept = 0;
        for (int i = 0; i < out.length; i++) {
            boolean keptHere = out[i] != 0;
            kept += keptHere ? 1 : 0;
            assertEquals(keptHere ? xs[i] / 0.75 : 0, out[i], 1e-12, "output " + i);
            assertEquals(keptHere ? us[i] / 0.75 : 0, tangent[i], 1e-12, "tangent " + i);
        }
        assertTrue(kept > 100 && kept < 200, "some kept, some dropped: " + kept);
    }

    @Test
    void batchNormsRunningStatisticsTakeNoTangent() {
        Tensor runningMean = Tensor.zeros(DType.FLOAT64, 2);
        Tensor runningVar = Tensor.ones(DType.FLOAT64, 2);
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor x = ForwardAD.makeDual(Tensor.randn(DType.FLOAT64, 4, 2), Tensor.randn(DType.FLOAT64, 4, 2));
            Tensor y = Functional.batchNorm(x, runningMean, runningVar, null, null, true, 0.5, 1e-5);
            assertNotNull(ForwardAD.tangent(y));
            assertNull(ForwardAD.tangent(runningMean), "running_mean");
            assertNull(ForwardAD.tangent(runningVar), "running_var");
            assertTrue(runningMean.abs().sum().item() > 0, "the running mean was updated");
        }
    }

    /**
     * The ops whose jvp is written by hand in a {@code Function} (addmm, im2col and col2im, max pooling's
     * gather and its backward's scatter, softplus, BCE with logits).
     */
    static Stream<Arguments> handWrittenJvps() {
        return Stream.of(
                op("linear (addmm)", x -> Functional.linear(x[0], x[1], x[2]), () -> new Tensor[] {r(3, 4), r(2, 4), r(2)}),
                op("conv2d (im2col)", x -> Functional.conv2d(x[0], x[1], null, 1, 1, 1, 1),
                        () -> new Tensor[] {r(1, 2, 3, 3), r(2, 2, 2, 2)}),
                op("maxPool2d with padding (the pooling kernel's gather)", x -> Functional.maxPool2d(x[0], 3, 2, 1),
                        () -> new Tensor[] {r(1, 2, 5, 4)}),
                op("maxPool2d(2) (the pooling kernel's gather)", x -> Functional.maxPool2d(x[0], 2, 2, 0),
                        () -> new Tensor[] {r(1, 2, 4, 6)}),
                op("maxPool2d(2)'s backward (the scatter onto the image)", x -> maxPoolGradient(x[0]),
                        () -> new Tensor[] {r(2, 2, 2, 3)}),
                op("softplus", x -> Functional.softplus(x[0]), () -> new Tensor[] {leaf(-3, -0.5, 0.1, 2, 25)}),
                op("binaryCrossEntropyWithLogits", x -> Functional.binaryCrossEntropyWithLogits(x[0], x[1]),
                        () -> new Tensor[] {r(2, 3), r(2, 3)}));
    }

    /**
     * Reverse mode through a jvp: the tangent {@code J(x) u} as a function of the primals and the
     * tangents, differentiated by the backward and checked against finite differences, which
     * checks that the rules compute tangents with differentiable ops (the derivative in {@code u}
     * is {@code J^T}, the one in {@code x} a second derivative of the op).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("handWrittenJvps")
    void backwardThroughTheJvp(String name, Gradcheck.Fn fn, Supplier<Tensor[]> inputs) {
        Tensor[] primals = inputs.get();
        Tensor[] all = new Tensor[2 * primals.length];
        for (int i = 0; i < primals.length; i++) {
            all[i] = primals[i];
            all[primals.length + i] = Tensor.randn(DType.FLOAT64, primals[i].shape()).requiresGrad(true);
        }
        Gradcheck.Fn tangentOfFn = in -> {
            try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
                Tensor[] duals = new Tensor[primals.length];
                for (int i = 0; i < duals.length; i++) {
                    duals[i] = ForwardAD.makeDual(in[i], in[primals.length + i]);
                }
                return ForwardAD.tangent(fn.apply(duals));
            }
        };
        assertTrue(Gradcheck.check(tangentOfFn, all), name);
    }
}
