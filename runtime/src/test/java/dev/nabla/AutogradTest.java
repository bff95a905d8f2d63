package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The engine's contracts: accumulation, broadcasting, names, errors, grad mode, higher order, long chains. */
class AutogradTest {
    @Test
    void seed002SumBackwardGivesOnes() {
        Tensor x = Tensor.of(1f, 2f, 3f).requiresGrad(true);
        Tensor y = Tensor.of(4f, 5f, 6f).requiresGrad(true);
        Tensor loss = x.add(y).sum();
        assertEquals("tensor(21., grad_fn=<SumBackward0>)", loss.toString());
        loss.backward();
        assertEquals("tensor([1., 1., 1.])", x.grad().toString());
        assertEquals("tensor([1., 1., 1.])", y.grad().toString());
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = Tensor.of(2.0).requiresGrad(true);
        x.mul(x).sum().backward();
        x.mul(3).sum().backward();
        assertEquals(7.0, x.grad().item());
    }

    @Test
    void broadcastOperandGetsSummedGradient() {
        Tensor a = Tensor.ones(DType.FLOAT64, 3, 4).requiresGrad(true);
        Tensor b = Tensor.ones(DType.FLOAT64, 4).requiresGrad(true);
        a.mul(b).sum().backward();
        assertArrayEquals(new double[] {3, 3, 3, 3}, b.grad().toDoubleArray());
    }

    @Test
    void gradFnNamesFollowPyTorch() {
        Tensor x = Tensor.randn(2, 3).requiresGrad(true);
        Tensor w = Tensor.randn(3, 3).requiresGrad(true);
        assertEquals("AddBackward0", x.add(1).gradFn().name());
        assertEquals("MulBackward0", x.mul(x).gradFn().name());
        assertEquals("MmBackward0", x.mm(w).gradFn().name());
        assertEquals("SumBackward0", x.sum().gradFn().name());
        assertEquals("SumBackward1", x.sum(0, false).gradFn().name());
        assertEquals("TBackward0", x.t().gradFn().name());
        assertEquals("ReluBackward0", x.relu().gradFn().name());
        assertEquals("MeanBackward0", x.mean().gradFn().name());
        assertEquals("ViewBackward0", x.view(-1).gradFn().name());
        assertTrue(x.isLeaf());
        assertFalse(x.add(1).isLeaf());
        assertNull(x.gt(0).gradFn());
    }

    @Test
    void backwardOfNonScalarNeedsAGradient() {
        Tensor x = Tensor.ones(3).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.mul(2).backward());
        assertTrue(e.getMessage().startsWith("grad can be implicitly created only for scalar outputs"), e.getMessage());
        x.mul(2).backward(Tensor.ones(3));
        assertArrayEquals(new float[] {2, 2, 2}, x.grad().toFloatArray());
    }

    @Test
    void backwardTwiceIsAClearErrorUnlessRetained() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor y = x.mul(x).sum();
        y.backward(null, true, false);
        y.backward();
        assertArrayEquals(new double[] {4, 8}, x.grad().toDoubleArray());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("Trying to backward through the graph a second time"), e.getMessage());
    }

    @Test
    void inPlaceOnSavedTensorIsDetected() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor e = x.exp();
        e.add_(1);
        IllegalStateException err = assertThrows(IllegalStateException.class, () -> e.sum().backward());
        assertTrue(err.getMessage().contains("ExpBackward0") && err.getMessage().contains("is at version 1; expected version 0"),
                err.getMessage());
    }

    @Test
    void inPlaceOnLeafRequiringGradIsAnErrorUnderGradMode() {
        Tensor w = Tensor.ones(2).requiresGrad(true);
        assertThrows(IllegalStateException.class, () -> w.add_(1));
        try (var off = Grad.disabled()) {
            w.sub_(0.5);
        }
        assertArrayEquals(new float[] {0.5f, 0.5f}, w.toFloatArray());
        assertEquals(1, w.version());
    }

    @Test
    void inPlaceOnNonLeafRebasesHistory() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor h = x.mul(3);
        h.mul_(x);
        assertEquals("MulBackward0", h.gradFn().name());
        h.sum().backward();
        assertArrayEquals(new double[] {6, 12}, x.grad().toDoubleArray());
    }

    @Test
    void gradModeIsPerScope() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        try (var off = Grad.disabled()) {
            assertFalse(Grad.isEnabled());
            assertFalse(x.mul(2).requiresGrad());
            try (var on = Grad.enabled()) {
                assertTrue(x.mul(2).requiresGrad());
            }
            assertFalse(Grad.isEnabled());
        }
        assertTrue(Grad.isEnabled());
    }

    @Test
    void gradReturnsWithoutTouchingLeaves() {
        Tensor x = Tensor.of(2.0).requiresGrad(true);
        Tensor y = Tensor.of(5.0).requiresGrad(true);
        Tensor[] g = Autograd.grad(x.mul(y).sum(), x, y);
        assertEquals(5.0, g[0].item());
        assertEquals(2.0, g[1].item());
        assertNull(x.grad());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Autograd.grad(x.mul(2).sum(), x, y));
        assertTrue(e.getMessage().contains("appears to not have been used"), e.getMessage());
    }

    @Test
    void secondDerivativesWithCreateGraph() {
        Tensor x = Tensor.of(0.5, 1.5).requiresGrad(true);
        Tensor y = x.sin().mul(x).sum();
        Tensor g = Autograd.grad(y, new Tensor[] {x}, null, true, true)[0];
        Tensor h = Autograd.grad(g.sum(), x)[0];
        double[] xs = {0.5, 1.5};
        for (int i = 0; i < 2; i++) {
            assertEquals(2 * Math.cos(xs[i]) - xs[i] * Math.sin(xs[i]), h.toDoubleArray()[i], 1e-12);
        }
    }

    @Test
    void chainOf100000OpsDoesNotOverflowTheStack() {
        Tensor x = Tensor.of(1.0).requiresGrad(true);
        Tensor h = x;
        for (int i = 0; i < 100_000; i++) {
            h = h.add(1e-6);
        }
        h.sum().backward();
        assertEquals(1.0, x.grad().item());
    }

    @Test
    void requiresGradOnlyOnFloatingLeaves() {
        assertThrows(IllegalStateException.class, () -> Tensor.arange(3).requiresGrad(true));
        Tensor x = Tensor.ones(2).requiresGrad(true);
        assertThrows(IllegalStateException.class, () -> x.mul(2).requiresGrad(false));
        assertFalse(x.detach().requiresGrad());
        assertEquals("tensor([1., 1.], requires_grad=True)", x.toString());
    }

    @Test
    void anomalyModeNamesTheForwardOfTheNodeThatMadeNaN() throws Exception {
        Tensor x = Tensor.of(-1.0, 1.0).requiresGrad(true);
        try (AutoCloseable on = Autograd.anomalyDetection()) {
            Tensor y = x.sqrt().sum();
            IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
            assertTrue(e.getMessage().contains("SqrtBackward0") && e.getMessage().contains("nan"), e.getMessage());
            assertTrue(e.getCause() != null && e.getCause().getMessage().contains("forward of"));
        }
        assertFalse(Autograd.anomalyEnabled());
    }
}
