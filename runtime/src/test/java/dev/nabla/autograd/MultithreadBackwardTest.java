package dev.nabla.autograd;

import static dev.nabla.nn.TestData.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.nn.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * Backward runs on several threads at once (Note [Reentrant backward] on the engine): PyTorch's
 * TestMultithreadAutograd cases against {@code autograd/reentrant.json} (written by
 * {@code autograd/make_reentrant.py} with PyTorch 1.13), and gradient accumulation into a
 * shared leaf, repeated until a lost update would have shown.
 */
class MultithreadBackwardTest {
    private static final JsonNode REF = TestData.load("/autograd/reentrant.json");

    /** Runs {@code body(i)} on {@code n} threads started together; rethrows the first failure. */
    private static void onThreads(int n, IntConsumer body) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(n);
        List<Throwable> failures = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    body.accept(index);
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("a thread failed", failures.get(0));
        }
    }

    private static Tensor quadratic(Tensor x) {
        return x.add(3).mul(x.add(4)).mul(0.5);
    }

    /** test_simple_backward: threads that share nothing. */
    @Test
    void threadsWithTheirOwnLeaves() throws InterruptedException {
        JsonNode expected = REF.get("simple_backward").get("grad");
        onThreads(10, i -> {
            Tensor x = Tensor.ones(DType.FLOAT64, 5, 5).requiresGrad(true);
            quadratic(x).sum().backward();
            assertClose(expected, x.grad(), 0, "x.grad()");
        });
    }

    /** test_simple_backward_same_input: backward into one leaf adds every thread's gradient; grad() touches none. */
    @Test
    void threadsSharingALeaf() throws InterruptedException {
        JsonNode ref = REF.get("simple_backward_same_input");
        Tensor x = Tensor.ones(DType.FLOAT64, 5, 5).requiresGrad(true);
        onThreads(10, i -> quadratic(x).sum().backward());
        assertClose(ref.get("accumulated"), x.grad(), 0, "x.grad()");
        onThreads(10, i -> {
            Tensor[] grads = Autograd.grad(quadratic(x).sum(), x);
            assertEquals(1, grads.length);
            assertClose(ref.get("grad"), grads[0], 0, "grad");
        });
        assertClose(ref.get("accumulated"), x.grad(), 0, "x.grad() after grad()");
    }

    /**
     * test_python_thread_in_middle: threads backpropagate through a graph whose first half they
     * share. Without retainGraph the first run frees it and the others fail naming the remedy;
     * with it, every run adds up.
     */
    @Test
    void threadsSharingHalfAGraph() throws InterruptedException {
        Tensor xNoRetain = Tensor.ones(DType.FLOAT64, 5, 5).requiresGrad(true);
        Tensor yNoRetain = xNoRetain.add(xNoRetain.pow(2));
        AtomicInteger successes = new AtomicInteger();
        AtomicInteger raises = new AtomicInteger();
        onThreads(5, i -> {
            try {
                yNoRetain.add(yNoRetain.pow(2)).sum().backward();
                successes.incrementAndGet();
            } catch (IllegalStateException e) {
                raises.incrementAndGet();
                assertTrue(e.getMessage().contains("Specify retainGraph=true"), e.getMessage());
            }
        });
        assertTrue(successes.get() >= 1, "no thread succeeded");
        assertEquals(5, successes.get() + raises.get());

        Tensor xRetain = Tensor.ones(DType.FLOAT64, 5, 5).requiresGrad(true);
        Tensor yRetain = xRetain.add(xRetain.pow(2));
        onThreads(5, i -> yRetain.add(yRetain.pow(2)).sum().backward(null, true, false));
        assertClose(REF.get("thread_in_middle").get("grad"), xRetain.grad(), 0, "x.grad()");
    }

    /**
     * Issue 12: two threads backpropagate into one leaf at the same moment, 200 times; each time
     * the leaf's gradient is exactly the sum of both (before the engine kept its state per run,
     * some of the 200 lost an update or left grad() null).
     */
    @Test
    void twoThreadsIntoOneLeafAlwaysAddUp() throws InterruptedException {
        for (int run = 0; run < 200; run++) {
            Tensor w = Tensor.of(1.0, 2.0, 3.0, 4.0).requiresGrad(true);
            onThreads(2, i -> w.mul(i + 2).relu().mul(w).sum().backward());
            assertNotNull(w.grad(), "run " + run + ": w.grad()");
            // d/dw of 2w^2 + 3w^2 = 10w, exact in float64.
            assertArrayEquals(new double[] {10, 20, 30, 40}, w.grad().toDoubleArray(), 0, "run " + run);
        }
    }
}
