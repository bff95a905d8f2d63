package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The transformer functions of {@link Functional}: gradcheck and gradgradcheck in float64 (eps
 * 1e-6, atol 1e-5, rtol 1e-3, Gradcheck's defaults) for each, the behaviours a user relies on
 * (stability, masking, accumulation) and the errors. Values against PyTorch are in
 * {@link TransformerReferenceTest}.
 */
class FunctionalTest {
    private record Case(String name, Gradcheck.Fn fn, Tensor... inputs) {}

    private static Tensor randn(long seed, long... shape) {
        Nabla.manualSeed(seed);
        return Tensor.randn(DType.FLOAT64, shape).requiresGrad(true);
    }

    private static List<Case> cases() {
        Tensor targets = Tensor.of(1L, 0L, 4L, 2L);
        Tensor ignoring = Tensor.of(1L, -100L, 4L, 2L);
        Tensor keep = Tensor.of(true, false, true, true, true, true, false, true, true, true, true, true, true, true, false)
                .reshape(3, 5);
        Nabla.manualSeed(27);
        Tensor probabilities = Tensor.rand(DType.FLOAT64, 3, 4);
        return List.of(
            new Case("layerNorm affine", t -> Functional.layerNorm(t[0], new long[] {4}, t[1], t[2], 1e-5),
                    randn(1, 3, 4), randn(2, 4), randn(3, 4)),
            new Case("layerNorm over two dims", t -> Functional.layerNorm(t[0], new long[] {2, 3}, null, null, 1e-5),
                    randn(4, 2, 2, 3)),
            // Rows that are a transposed view: the op's composed path rather than the CPU's kernel.
            new Case("layerNorm of strided rows, weight only", t -> Functional.layerNorm(t[0].t(), new long[] {4}, t[1], null, 1e-5),
                    randn(28, 4, 3), randn(29, 4)),
            new Case("embedding", t -> Functional.embedding(Tensor.of(new long[] {0, 2, 2, 4}).reshape(2, 2), t[0]).exp(),
                    randn(5, 5, 3)),
            new Case("gelu", t -> Functional.gelu(t[0].mul(3)), randn(6, 3, 4)),
            new Case("silu", t -> Functional.silu(t[0].mul(3)), randn(7, 3, 4)),
            new Case("softplus", t -> Functional.softplus(t[0].mul(3)), randn(8, 3, 4)),
            new Case("softplus beyond the threshold", t -> Functional.softplus(t[0].mul(0.1).add(Tensor.of(-40, 25, 0))),
                    randn(9, 3)),
            new Case("attention", t -> Functional.scaledDotProductAttention(t[0], t[1], t[2], null, false),
                    randn(10, 2, 3, 4), randn(11, 2, 5, 4), randn(12, 2, 5, 2)),
            new Case("attention, bool mask", t -> Functional.scaledDotProductAttention(t[0], t[1], t[2], keep, false),
                    randn(13, 2, 3, 4), randn(14, 2, 5, 4), randn(15, 2, 5, 2)),
            new Case("attention, float mask", t -> Functional.scaledDotProductAttention(t[0], t[1], t[2], t[3], false),
                    randn(16, 3, 4), randn(17, 5, 4), randn(18, 5, 2), randn(19, 3, 5)),
            new Case("attention, causal", t -> Functional.scaledDotProductAttention(t[0], t[1], t[2], null, true),
                    randn(20, 2, 4, 3), randn(21, 2, 4, 3), randn(22, 2, 4, 3)),
            new Case("crossEntropy", t -> Functional.crossEntropy(t[0], targets), randn(23, 4, 5)),
            new Case("crossEntropy, ignored and smoothed", t -> Functional.crossEntropy(t[0], ignoring, -100, 0.2),
                    randn(24, 4, 5)),
            new Case("nllLoss", t -> Functional.nllLoss(t[0], targets), randn(25, 4, 5)),
            new Case("binaryCrossEntropyWithLogits", t -> Functional.binaryCrossEntropyWithLogits(t[0].mul(3), t[1]),
                    randn(26, 3, 4), probabilities.requiresGrad(true)));
    }

    @TestFactory
    Stream<DynamicTest> gradcheck() {
        return cases().stream().map(c -> DynamicTest.dynamicTest("gradcheck " + c.name,
                () -> assertTrue(Gradcheck.check(c.fn, c.inputs), c.name)));
    }

    @TestFactory
    Stream<DynamicTest> gradgradcheck() {
        return cases().stream().map(c -> DynamicTest.dynamicTest("gradgradcheck " + c.name,
                () -> assertTrue(Gradcheck.gradgradcheck(c.fn, c.inputs), c.name)));
    }

    @Test
    void embeddingAccumulatesTheGradientOfARowUsedTwice() {
        Tensor weight = Tensor.zeros(DType.FLOAT64, 4, 2).requiresGrad(true);
        Functional.embedding(Tensor.of(new long[] {3, 1, 3}), weight).sum().backward();
        assertArrayEquals(new double[] {0, 0, 1, 1, 0, 0, 2, 2}, weight.grad().toDoubleArray());
    }

    @Test
    void attentionIsStableForHugeScoresAndGivesNaNForAFullyMaskedRow() {
        Tensor q = Tensor.of(new double[][] {{1e3, 0}, {0, 1e3}});
        Tensor k = Tensor.of(new double[][] {{1e3, 0}, {0, 1e3}});
        Tensor v = Tensor.of(new double[][] {{1, 2}, {3, 4}});
        assertArrayEquals(new double[] {1, 2, 3, 4}, Functional.scaledDotProductAttention(q, k, v, null, false).toDoubleArray());
        Tensor mask = Tensor.of(false, false, true, false).reshape(2, 2);
        double[] out = Functional.scaledDotProductAttention(q, k, v, mask, false).toDoubleArray();
        assertTrue(Double.isNaN(out[0]) && Double.isNaN(out[1]), "a row with every key masked is NaN, as PyTorch 1.13's");
        assertArrayEquals(new double[] {1, 2}, new double[] {out[2], out[3]});
    }

    @Test
    void lossesOfHugeLogitsAreFinite() {
        Tensor logits = Tensor.of(new double[][] {{1e4, -1e4, 0}});
        assertEquals(2e4, Functional.crossEntropy(logits, Tensor.of(1L)).item(), 1e-9);
        assertEquals(0, Functional.binaryCrossEntropyWithLogits(Tensor.of(1e4), Tensor.of(1.0)).item(), 0);
        assertEquals(1e4, Functional.binaryCrossEntropyWithLogits(Tensor.of(-1e4), Tensor.of(1.0)).item(), 1e-9);
        assertEquals(Math.exp(-50), Functional.softplus(Tensor.of(-50.0)).item(), 1e-12 * Math.exp(-50));
    }

    @Test
    void crossEntropyIgnoresTargetsAndCountsOnlyTheRest() {
        Tensor logits = Tensor.of(new double[][] {{2, 0}, {0, 2}, {5, -5}});
        double kept = Functional.crossEntropy(logits.narrow(0, 0, 2), Tensor.of(0L, 1L)).item();
        assertEquals(kept, Functional.crossEntropy(logits, Tensor.of(0L, 1L, 7L), 7, 0).item(), 1e-15);
        assertTrue(Double.isNaN(Functional.crossEntropy(logits, Tensor.of(7L, 7L, 7L), 7, 0).item()),
                "all targets ignored gives NaN, as PyTorch");
    }

    @Test
    void errorsNameTheFunctionAndWhatWasWrong() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 2, 3);
        assertMessage(IllegalArgumentException.class, "layerNorm: given normalized_shape=[4], expected input with shape"
                + " [*, 4], but got input of size [2, 3]", () -> Functional.layerNorm(x, new long[] {4}, null, null, 1e-5));
        assertMessage(IllegalArgumentException.class, "layerNorm: expected weight of shape [3] (normalizedShape), got [2]",
                () -> Functional.layerNorm(x, new long[] {3}, Tensor.zeros(DType.FLOAT64, 2), null, 1e-5));
        assertMessage(IllegalArgumentException.class, "embedding: expected int64 indices, got float64",
                () -> Functional.embedding(x, x));
        assertMessage(IndexOutOfBoundsException.class, "embedding: index 2 is out of range for an embedding of 2 rows",
                () -> Functional.embedding(Tensor.of(0L, 2L), x));
        assertMessage(IllegalArgumentException.class, "gelu: expected a floating point input, got int64",
                () -> Functional.gelu(Tensor.of(1L)));
        Tensor q = Tensor.zeros(DType.FLOAT64, 3, 4);
        assertMessage(IllegalArgumentException.class, "scaledDotProductAttention: an explicit mask should not be set when"
                + " causal is true; pass one of them",
                () -> Functional.scaledDotProductAttention(q, q, q, Tensor.ones(DType.BOOL, 3, 3), true));
        assertMessage(IllegalArgumentException.class, "scaledDotProductAttention: a mask of shape [2, 3] does not broadcast"
                + " to the attention scores [..., L, S] of shape [3, 3]",
                () -> Functional.scaledDotProductAttention(q, q, q, Tensor.ones(DType.BOOL, 2, 3), false));
        assertMessage(IllegalArgumentException.class, "scaledDotProductAttention: query and key must have the same"
                + " embedding size E, got query [3, 4] and key [3, 2]",
                () -> Functional.scaledDotProductAttention(q, Tensor.zeros(DType.FLOAT64, 3, 2), q, null, false));
        assertMessage(IllegalArgumentException.class, "crossEntropy: target 5 at index 1 is out of bounds for 3 classes"
                + " (expected a value in [0, 3))", () -> Functional.crossEntropy(x, Tensor.of(0L, 5L)));
        assertMessage(IllegalArgumentException.class, "crossEntropy: label_smoothing must be between 0.0 and 1.0. Got: 1.5",
                () -> Functional.crossEntropy(x, Tensor.of(0L, 1L), -100, 1.5));
        assertMessage(IllegalArgumentException.class, "nllLoss: for input of shape [2, 3] the target must have shape [2],"
                + " got shape [3]", () -> Functional.nllLoss(x, Tensor.of(0L, 1L, 2L)));
        assertMessage(IllegalArgumentException.class, "binaryCrossEntropyWithLogits: input of shape [2, 3] and target of"
                + " shape [3] differ; they must have the same shape (Nabla does not broadcast them, which in PyTorch is a"
                + " warning and a likely bug)", () -> Functional.binaryCrossEntropyWithLogits(x, Tensor.zeros(DType.FLOAT64, 3)));
    }

    private static void assertMessage(Class<? extends RuntimeException> type, String expected, Runnable call) {
        assertEquals(expected, assertThrows(type, call::run).getMessage());
    }
}
