package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Tensor;
import org.junit.jupiter.api.Test;

/** The losses' values and gradients against PyTorch ({@code nn/expected.json}, "losses"), gradchecks and errors. */
class LossTest {
    private static final double TOL = 1e-12;

    private static Loss loss(String kind, Reduction reduction) {
        switch (kind) {
            case "mse":
                return new MSELoss(reduction);
            case "l1":
                return new L1Loss(reduction);
            default:
                return new CrossEntropyLoss(reduction);
        }
    }

    @Test
    void valuesAndGradientsMatchPyTorch() {
        int cases = 0;
        for (JsonNode c : TestData.load("/nn/expected.json").get("losses")) {
            String name = c.get("name").asText();
            String kind = c.get("loss").asText();
            Loss loss = loss(kind, Reduction.valueOf(c.get("reduction").asText().toUpperCase(java.util.Locale.ROOT)));
            Tensor input = TestData.float64(c.get("input")).requiresGrad(true);
            Tensor target = kind.equals("cross_entropy") ? TestData.int64(c.get("target")) : TestData.float64(c.get("target"));
            Tensor out = loss.forward(input, target);
            TestData.assertClose(c.get("output"), out, TOL, name + " value");
            out.sum().backward();
            TestData.assertClose(c.get("grad_input"), input.grad(), TOL, name + " gradient");
            cases++;
        }
        assertEquals(11, cases);
    }

    @Test
    void crossEntropyGradcheck() {
        Tensor logits = Tensor.randn(DType.FLOAT64, 5, 4).mul(3).requiresGrad(true);
        Tensor target = Tensor.of(0L, 3L, 1L, 1L, 2L);
        for (Reduction r : Reduction.values()) {
            CrossEntropyLoss loss = new CrossEntropyLoss(r);
            assertTrue(Gradcheck.check(in -> loss.forward(in[0], target), logits), r.name());
            assertTrue(Gradcheck.gradgradcheck(in -> loss.forward(in[0], target), logits), r.name());
        }
    }

    @Test
    void regressionLossesGradcheck() {
        Tensor x = Tensor.randn(DType.FLOAT64, 3, 4).requiresGrad(true);
        Tensor y = Tensor.randn(DType.FLOAT64, 3, 4).requiresGrad(true);
        assertTrue(Gradcheck.check(in -> new MSELoss().forward(in[0], in[1]), x, y));
        assertTrue(Gradcheck.check(in -> new L1Loss(Reduction.SUM).forward(in[0], in[1]), x, y));
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Tensor logits = Tensor.of(new double[][] {{1e4, -1e4, 0}});
        assertEquals(0, new CrossEntropyLoss().forward(logits, Tensor.of(0L)).item(), 0);
        assertEquals(2e4, new CrossEntropyLoss().forward(logits, Tensor.of(1L)).item(), 1e-9);
    }

    @Test
    void crossEntropyRejectsBadTargets() {
        CrossEntropyLoss loss = new CrossEntropyLoss();
        Tensor logits = Tensor.zeros(3, 4);
        assertMessage("CrossEntropyLoss: expected the target to hold int64 class indices, got float32 (probability"
                + " targets are not supported)", () -> loss.forward(logits, Tensor.zeros(3)));
        assertMessage("CrossEntropyLoss: for input of shape [3, 4] the target must have shape [3], got shape [3, 1]",
                () -> loss.forward(logits, Tensor.of(0L, 1L, 2L).unsqueeze(1)));
        assertMessage("CrossEntropyLoss: target 4 at index 2 is out of bounds for 4 classes (expected a value in [0, 4))",
                () -> loss.forward(logits, Tensor.of(0L, 1L, 4L)));
        assertMessage("CrossEntropyLoss: target -1 at index 0 is out of bounds for 4 classes (expected a value in [0, 4))",
                () -> loss.forward(logits, Tensor.of(-1L, 1L, 2L)));
        assertMessage("CrossEntropyLoss: for input of shape [2, 3, 4] the target must have shape [2, 4], got shape [2]",
                () -> loss.forward(Tensor.zeros(2, 3, 4), Tensor.of(0L, 1L)));
        assertMessage("CrossEntropyLoss: expected logits of shape [C], [N, C] or [N, C, d1, ...], got a 0-dimensional tensor",
                () -> loss.forward(Tensor.zeros(), Tensor.of(0L)));
        assertMessage("CrossEntropyLoss: expected floating point logits, got int64",
                () -> loss.forward(Tensor.arange(4).reshape(1, 4), Tensor.of(0L)));
    }

    @Test
    void regressionLossesRequireOneShape() {
        assertMessage("MSELoss: input of shape [4, 1] and target of shape [4] differ; they must have the same shape (Nabla"
                + " does not broadcast them, which in PyTorch is a warning and a likely bug)",
                () -> new MSELoss().forward(Tensor.zeros(4, 1), Tensor.zeros(4)));
        assertThrows(IllegalArgumentException.class, () -> new L1Loss().forward(Tensor.arange(4), Tensor.arange(4)));
    }

    private static void assertMessage(String expected, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertEquals(expected, e.getMessage());
    }
}
