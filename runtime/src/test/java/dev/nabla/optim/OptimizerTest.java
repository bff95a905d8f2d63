package dev.nabla.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Grad;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.nn.Linear;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation, gradient clearing, learning-rate changes and in-place updates of the optimizers. */
class OptimizerTest {
    @Test
    void hyperparametersAreValidatedWithPyTorchsMessages() {
        List<Tensor> params = List.of(Tensor.zeros(2).requiresGrad(true));
        assertMessage("Invalid learning rate: -0.1", () -> new SGD(params, -0.1));
        assertMessage("Invalid momentum value: -1.0", () -> SGD.options(0.1).momentum(-1));
        assertMessage("Invalid weight_decay value: -1.0", () -> SGD.options(0.1).weightDecay(-1));
        assertMessage("Nesterov momentum requires a momentum and zero dampening",
                () -> new SGD(params, SGD.options(0.1).nesterov(true)));
        assertMessage("Nesterov momentum requires a momentum and zero dampening",
                () -> new SGD(params, SGD.options(0.1).momentum(0.9).dampening(0.1).nesterov(true)));
        assertMessage("Invalid beta parameter at index 1: 1.0", () -> Adam.options().betas(0.9, 1));
        assertMessage("Invalid epsilon value: -1.0", () -> AdamW.options().eps(-1));
        assertMessage("Invalid learning rate: NaN", () -> new Adam(params, Double.NaN));
        assertEquals(0.01, AdamW.options().weightDecay(), "AdamW's default weight decay is PyTorch's");
        assertEquals(0, Adam.options().weightDecay());
    }

    /**
     * SGD's fused kernel (a contiguous parameter on the CPU) against its tensor ops (a transposed
     * view, which the kernel declines): the same parameters and momentum buffers bit for bit over
     * three steps, for every option and both floating dtypes.
     */
    @Test
    void sgdsFusedStepIsItsTensorOpsBitForBit() {
        SGD.Options[] options = {
            SGD.options(0.1),
            SGD.options(0.1).momentum(0.9),
            SGD.options(0.05).momentum(0.8).dampening(0.3).weightDecay(0.01),
            SGD.options(0.05).momentum(0.9).nesterov(true).weightDecay(0.02).maximize(true),
        };
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int k = 0; k < options.length; k++) {
                SGD.Options o = options[k];
                Nabla.manualSeed(5);
                Tensor start = Tensor.randn(dtype, 6, 7);
                Tensor fused = start.clone().requiresGrad(true);
                Tensor composed = start.t().clone().t().requiresGrad(true);
                SGD a = new SGD(List.of(fused), o);
                SGD b = new SGD(List.of(composed), o);
                for (int step = 0; step < 3; step++) {
                    Tensor weights = Tensor.randn(dtype, 6, 7);
                    for (Tensor p : List.of(fused, composed)) {
                        p.setGrad(null);
                        p.mul(p).mul(weights).sum().backward();
                    }
                    a.step();
                    b.step();
                    assertArrayEquals(composed.toDoubleArray(), fused.toDoubleArray(), dtype + ", options " + k + ", step " + step);
                }
            }
        }
    }

    @Test
    void parametersAreValidated() {
        assertMessage("SGD got an empty parameter list", () -> new SGD(List.of(), 0.1));
        Tensor leaf = Tensor.zeros(2).requiresGrad(true);
        Tensor computed = leaf.mul(2);
        assertMessage("Adam: parameter 0 of group 0 is not a leaf tensor (computed by MulBackward0); can't optimize a"
                + " non-leaf tensor", () -> new Adam(List.of(computed)));
        assertMessage("SGD: parameter 1 of group 0 appears more than once in this optimizer; each parameter may be in one"
                + " group only, once", () -> new SGD(List.of(leaf, leaf), 0.1));
        SGD sgd = new SGD(List.of(leaf), 0.1);
        assertMessage("SGD: parameter 0 of group 1 appears more than once in this optimizer; each parameter may be in one"
                + " group only, once", () -> sgd.addParamGroup(List.of(leaf), SGD.options(0.2)));
    }

    @Test
    void zeroGradZeroesOrDropsEveryGradient() {
        Linear layer = new Linear(3, 2);
        Adam adam = new Adam(layer.parameters());
        layer.forward(Tensor.randn(4, 3)).sum().backward();
        Tensor grad = layer.weight().grad();
        adam.zeroGrad();
        assertSame(grad, layer.weight().grad());
        assertArrayEquals(new float[6], grad.toFloatArray());
        adam.zeroGrad(true);
        assertNull(layer.weight().grad());
        assertNull(layer.bias().grad());
    }

    @Test
    void stepUpdatesInPlaceWithoutRecordingAndSkipsMissingGradients() {
        Tensor a = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor b = Tensor.of(5.0).requiresGrad(true);
        SGD sgd = new SGD(List.of(a, b), SGD.options(0.5).momentum(0.9));
        a.setGrad(Tensor.of(1.0, -1.0));
        int version = a.version();
        sgd.step();
        assertTrue(a.version() > version, "the update is in place");
        assertTrue(a.isLeaf());
        assertArrayEquals(new double[] {0.5, 2.5}, a.toDoubleArray(), 0);
        assertArrayEquals(new double[] {5.0}, b.toDoubleArray(), 0, "no gradient, no update");
        assertNull(sgd.momentumBuffer(b));
        assertArrayEquals(new double[] {1, -1}, sgd.momentumBuffer(a).toDoubleArray(), 0);
        assertTrue(Grad.isEnabled(), "grad mode is restored");
    }

    @Test
    void learningRateCanChangeBetweenSteps() {
        Tensor p = Tensor.of(1.0).requiresGrad(true);
        SGD sgd = new SGD(List.of(p), 0.1);
        p.setGrad(Tensor.of(1.0));
        sgd.step();
        sgd.paramGroups().get(0).setLr(0.5);
        sgd.step();
        assertEquals(1 - 0.1 - 0.5, p.item(), 1e-15);
        assertMessage("Invalid learning rate: -1.0", () -> sgd.paramGroups().get(0).setLr(-1));
        assertThrows(UnsupportedOperationException.class, () -> sgd.paramGroups().clear());
    }

    @Test
    void float32ParametersStayFloat32() {
        Linear layer = new Linear(2, 2);
        AdamW opt = new AdamW(layer.parameters(), 1e-2);
        layer.forward(Tensor.randn(3, 2)).sum().backward();
        opt.step();
        assertEquals(DType.FLOAT32, layer.weight().dtype());
        assertTrue(layer.weight().isLeaf());
    }

    private static void assertMessage(String expected, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertEquals(expected, e.getMessage());
    }
    /**
     * The CPU backend's fused Adam kernel runs for contiguous parameters; a non-contiguous one
     * (a transposed view) takes the tensor-op path. Both must give the same updates (float64,
     * relative 1e-12 over five steps), for Adam and AdamW, with AMSGrad and maximize.
     */
    @Test
    void fusedAndTensorOpAdamAgree() {
        AdamOptions[] settings = {
            Adam.options().lr(0.01).weightDecay(0.1).amsgrad(true),
            AdamW.options().lr(0.02).maximize(true),
        };
        for (int k = 0; k < settings.length; k++) {
            Tensor start = Tensor.randn(DType.FLOAT64, 4, 3);
            Tensor fused = start.clone().requiresGrad(true);
            Tensor viaOps = start.t().clone().t().requiresGrad(true);
            assertTrue(fused.isContiguous());
            assertTrue(!viaOps.isContiguous());
            Optimizer a = k == 0 ? new Adam(List.of(fused), settings[k]) : new AdamW(List.of(fused), settings[k]);
            Optimizer b = k == 0 ? new Adam(List.of(viaOps), settings[k]) : new AdamW(List.of(viaOps), settings[k]);
            for (int step = 0; step < 5; step++) {
                Tensor target = Tensor.randn(DType.FLOAT64, 4, 3);
                for (Tensor p : List.of(fused, viaOps)) {
                    p.sub(target).pow(2).sum().backward();
                }
                a.step();
                b.step();
                a.zeroGrad();
                b.zeroGrad();
            }
            double[] x = fused.toDoubleArray();
            double[] y = viaOps.toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(y[i], x[i], 1e-12 * Math.max(1, Math.abs(y[i])), "setting " + k + ", element " + i);
            }
            assertTrue(!java.util.Arrays.equals(start.toDoubleArray(), x), "the parameters moved");
        }
    }
}
