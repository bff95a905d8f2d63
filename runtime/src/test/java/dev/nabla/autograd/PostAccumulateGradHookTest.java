package dev.nabla.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Autograd;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hooks that data-parallel training builds on: a leaf's gradient is ready, and a backward run has ended. */
class PostAccumulateGradHookTest {

    @Test
    void hookSeesTheAccumulatedGradientOncePerRun() {
        Tensor w = Tensor.of(1.0, 2.0).requiresGrad(true);
        List<double[]> seen = new ArrayList<>();
        w.registerPostAccumulateGradHook(t -> {
            assertSame(w, t);
            seen.add(t.grad().toDoubleArray());
        });
        // w reaches the loss along two paths: the hook runs once, with their sum.
        w.mul(3.0).add(w.mul(w)).sum().backward();
        assertEquals(1, seen.size());
        assertArrayEquals(new double[] {5.0, 7.0}, seen.get(0), 0.0);
        w.sum().backward();
        assertEquals(2, seen.size());
        assertArrayEquals(new double[] {6.0, 8.0}, seen.get(1), 0.0);
    }

    @Test
    void removedHookIsNotCalled() {
        Tensor w = Tensor.of(1.0).requiresGrad(true);
        int[] calls = {0};
        RemovableHandle handle = w.registerPostAccumulateGradHook(t -> calls[0]++);
        w.sum().backward();
        handle.remove();
        w.sum().backward();
        assertEquals(1, calls[0]);
    }

    @Test
    void gradDoesNotRunTheHook() {
        Tensor w = Tensor.of(1.0).requiresGrad(true);
        int[] calls = {0};
        w.registerPostAccumulateGradHook(t -> calls[0]++);
        Autograd.grad(w.mul(2.0).sum(), w);
        assertEquals(0, calls[0]);
    }

    @Test
    void queuedCallbackRunsAfterEveryLeafOfTheRun() {
        Tensor a = Tensor.of(1.0).requiresGrad(true);
        Tensor b = Tensor.of(2.0).requiresGrad(true);
        List<String> events = new ArrayList<>();
        a.registerPostAccumulateGradHook(t -> {
            events.add("a");
            Engine.queueCallback(() -> events.add("end, b.grad=" + b.grad().item()));
        });
        b.registerPostAccumulateGradHook(t -> events.add("b"));
        // a's gradient is ready first: it was used last.
        b.mul(5.0).add(a.mul(b)).sum().backward();
        assertEquals(List.of("a", "b", "end, b.grad=6.0"), events);
    }

    @Test
    void queueCallbackOutsideBackwardAndHooksOnNonLeavesAreRejected() {
        IllegalStateException outside = assertThrows(IllegalStateException.class, () -> Engine.queueCallback(() -> {}));
        assertTrue(outside.getMessage().contains("during the backward pass"), outside.getMessage());
        Tensor w = Tensor.of(1.0).requiresGrad(true);
        IllegalStateException nonLeaf = assertThrows(IllegalStateException.class,
                () -> w.mul(2.0).registerPostAccumulateGradHook(t -> {}));
        assertTrue(nonLeaf.getMessage().contains("non-leaf"), nonLeaf.getMessage());
        assertThrows(IllegalStateException.class, () -> Tensor.of(1.0).registerPostAccumulateGradHook(t -> {}));
    }

    @Test
    void callbackFailureSurfacesFromBackward() {
        Tensor w = Tensor.of(1.0).requiresGrad(true);
        w.registerPostAccumulateGradHook(t -> Engine.queueCallback(() -> {
            throw new IllegalStateException("reduction failed");
        }));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.sum().backward());
        assertEquals("reduction failed", e.getMessage());
    }
}
