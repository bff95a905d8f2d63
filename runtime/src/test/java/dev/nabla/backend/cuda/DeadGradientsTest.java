package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.autograd.BuiltinNode;
import dev.nabla.autograd.Checkpoint;
import dev.nabla.autograd.ForwardAD;
import dev.nabla.autograd.Function;
import dev.nabla.nn.Functional;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine frees the gradients it proves dead at once (Note [Dead gradients] on
 * {@code Engine}), on an {@link EmulatedDevice}: an MLP's backward peaks lower, and in every
 * case where a gradient lives on (a tensor used twice, a backward that returns a view of its
 * input, a root gradient the caller keeps, hooks, captures, double backward, a user's function
 * that stashes its gradient, checkpointing, threads) what the user sees afterwards is exactly
 * what it is with early release turned off, and what the CPU computes. A wrongly freed storage
 * does not read as stale numbers here: every tensor viewing it fails when used, so a wrong
 * free shows as an exception.
 */
class DeadGradientsTest {
    private static final String PROPERTY = "nabla.autograd.freeDeadGradients";

    private Driver previous;

    @BeforeEach
    void installTheEmulator() {
        previous = CudaDriver.use(new EmulatedDevice(1));
        // No collection under pressure: memory comes back only when freed, so peaks are the engine's doing.
        System.setProperty("nabla.cuda.gcPercent", "-1");
    }

    @AfterEach
    void restore() {
        CudaDriver.use(previous);
        System.clearProperty("nabla.cuda.gcPercent");
        System.clearProperty(PROPERTY);
    }

    /** A computation from freshly seeded inputs on one device; returns the tensors the user reads afterwards. */
    @FunctionalInterface
    private interface Scenario {
        List<Tensor> run(Device device) throws Exception;
    }

    /** A float64 leaf of random values on {@code device}, from the seeded generator. */
    private static Tensor leaf(Device device, long... shape) {
        return Tensor.randn(DType.FLOAT64, shape).to(device).requiresGrad(true);
    }

    private static Tensor input(Device device, long... shape) {
        return Tensor.randn(DType.FLOAT64, shape).to(device);
    }

    private static double[][] results(Scenario scenario, Device device, boolean free) throws Exception {
        System.setProperty(PROPERTY, String.valueOf(free));
        Nabla.manualSeed(11);
        List<Tensor> seen = scenario.run(device);
        double[][] out = new double[seen.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = seen.get(i).detach().to(Device.CPU).toDoubleArray();
        }
        return out;
    }

    /**
     * Runs {@code scenario} on the emulated device with early release and without, and on the
     * CPU: every tensor it returns must match bit for bit.
     */
    private static void assertIntact(Scenario scenario) throws Exception {
        double[][] freed = results(scenario, Device.CUDA, true);
        double[][] kept = results(scenario, Device.CUDA, false);
        double[][] cpu = results(scenario, Device.CPU, true);
        assertEquals(kept.length, freed.length);
        for (int i = 0; i < freed.length; i++) {
            assertArrayEquals(kept[i], freed[i], "tensor " + i + " with early release as without");
            assertArrayEquals(cpu[i], freed[i], "tensor " + i + " as on the CPU");
        }
    }

    // ---------------------------------------------------------------- memory

    /** A 64-256-256-10 MLP on a batch of 64: a backward whose peak holds every intermediate gradient unless freed. */
    private static long[] mlpBackwardMemory(boolean free) throws InterruptedException {
        System.setProperty(PROPERTY, String.valueOf(free));
        Nabla.manualSeed(5);
        Device cuda = Device.CUDA;
        Tensor x = input(cuda, 64, 64);
        Tensor w1 = leaf(cuda, 256, 64);
        Tensor b1 = leaf(cuda, 256);
        Tensor w2 = leaf(cuda, 256, 256);
        Tensor b2 = leaf(cuda, 256);
        Tensor w3 = leaf(cuda, 10, 256);
        Tensor b3 = leaf(cuda, 10);
        Tensor h = Functional.linear(x, w1, b1).relu();
        h = Functional.linear(h, w2, b2).relu();
        Tensor loss = Functional.linear(h, w3, b3).pow(2).mean();
        long before = settledAllocated();
        Cuda.resetPeakMemoryStats();
        loss.backward();
        long peak = Cuda.maxMemoryAllocated() - before;
        long after = Cuda.memoryAllocated() - before;
        return new long[] {peak, after};
    }

    /**
     * The bytes allocated once the collector has taken back every unreachable tensor (garbage
     * of the forward, of earlier tests), so that none comes back in the middle of a measurement.
     */
    private static long settledAllocated() throws InterruptedException {
        long last = -1;
        long now = Cuda.memoryAllocated();
        for (int i = 0; i < 50 && now != last; i++) {
            System.gc();
            // The collector hands the unreachable storages over on its own thread.
            Thread.sleep(20);
            last = now;
            now = Cuda.memoryAllocated();
        }
        return now;
    }

    @Test
    void anMlpsBackwardPeaksLowerWithTheSameGradients() throws Exception {
        long[] kept = mlpBackwardMemory(false);
        long[] freed = mlpBackwardMemory(true);
        System.out.printf("MLP 64-256-256-10 backward, bytes above the forward's: peak %d -> %d, after %d -> %d%n",
                kept[0], freed[0], kept[1], freed[1]);
        // Without early release the collector may take some dead gradients back during the
        // backward (when the heap fills), so that figure varies; with it, what is left is exactly
        // the leaves' gradients, and the peak is below the other whenever it comes.
        // float64 gradients of w1, b1, w2, b2, w3, b3, each block rounded up to 512 bytes.
        long leafGrads = 131072 + 2048 + 524288 + 2048 + 20480 + 512;
        assertTrue(freed[1] >= leafGrads && freed[1] <= leafGrads + 64 * 1024,
                "after backward only the leaves' gradients (" + leafGrads + " bytes) are left, found " + freed[1]);
        assertTrue(freed[0] > 0 && freed[0] < kept[0], "peak " + freed[0] + " bytes with early release, " + kept[0]
                + " without");
        assertIntact(d -> {
            Tensor x = input(d, 8, 16);
            Tensor w1 = leaf(d, 32, 16);
            Tensor b1 = leaf(d, 32);
            Tensor w2 = leaf(d, 4, 32);
            Tensor b2 = leaf(d, 4);
            Functional.linear(Functional.linear(x, w1, b1).relu(), w2, b2).pow(2).mean().backward();
            return List.of(w1.grad(), b1.grad(), w2.grad(), b2.grad());
        });
    }

    // ---------------------------------------------------------------- gradients that live on

    @Test
    void aTensorUsedTwiceAndSharedWeights() throws Exception {
        assertIntact(d -> {
            Tensor x = leaf(d, 4, 4);
            Tensor w = leaf(d, 4, 4);
            Tensor y = x.add(x);
            Tensor z = y.mm(w).mm(w).add(y.mul(y));
            z.sum().backward();
            return List.of(x.grad(), w.grad());
        });
    }

    @Test
    void backwardsThatReturnTheirGradientOrAViewOfIt() throws Exception {
        assertIntact(d -> {
            Tensor x = leaf(d, 2, 3);
            Tensor a = leaf(d, 3, 2);
            Tensor s = leaf(d);
            Tensor y = x.reshape(3, 2).add(a).view(6).expand(2, 6).transpose(0, 1).t().mul(2);
            Tensor z = y.sum().add(s).sum();
            z.backward();
            return List.of(x.grad(), a.grad(), s.grad());
        });
    }

    @Test
    void aRootGradientTheCallerKeepsAndUsesAgain() throws Exception {
        assertIntact(d -> {
            Tensor x = leaf(d, 3, 3);
            Tensor g = input(d, 3, 3);
            x.add(1).backward(g);
            x.reshape(9).view(3, 3).backward(g);
            return List.of(g, x.grad(), g.mul(3));
        });
    }

    @Test
    void hooksThatKeepTheLeafsGradient() throws Exception {
        assertIntact(d -> {
            Tensor x = leaf(d, 5);
            List<Tensor> seen = new ArrayList<>();
            x.registerPostAccumulateGradHook(t -> seen.add(t.grad().clone()));
            List<Tensor> grads = new ArrayList<>();
            x.registerPostAccumulateGradHook(t -> grads.add(t.grad()));
            x.mul(x).add(x).sum().backward();
            x.exp().sum().backward();
            List<Tensor> out = new ArrayList<>(seen);
            out.addAll(grads);
            return out;
        });
    }

    @Test
    void capturedGradients() throws Exception {
        assertIntact(d -> {
            Tensor x = leaf(d, 4);
            Tensor h = x.mul(2).add(1);
            Tensor y = h.mul(h).sum();
            Tensor[] g = Autograd.grad(new Tensor[] {y}, new Tensor[] {h, x}, null, true, false);
            y.backward();
            return List.of(g[0], g[1], g[0].add(g[1]), x.grad());
        });
    }

    @Test
    void doubleBackwardThroughACreatedGraph() throws Exception {
        assertIntact(d -> {
            Tensor x = leaf(d, 4);
            Tensor y = x.mul(x).mul(x).sum();
            Tensor[] g = Autograd.grad(new Tensor[] {y}, new Tensor[] {x}, null, true, true);
            g[0].sum().backward();
            // With createGraph a fresh leaf's gradient is the arriving tensor itself, and the
            // gradient's graph saves the gradients its multiplications read.
            Tensor u = leaf(d, 4);
            u.exp().mul(u).mul(u).sum().backward(null, false, true);
            Tensor first = u.grad().clone();
            u.grad().pow(2).sum().backward();
            return List.of(g[0], x.grad(), first, u.grad());
        });
    }

    @Test
    void aRetainedGraphRunTwice() throws Exception {
        assertIntact(d -> {
            Tensor x = leaf(d, 3, 2);
            Tensor w = leaf(d, 2, 2);
            Tensor loss = x.mm(w).relu().add(x.mm(w)).pow(2).sum();
            loss.backward(null, true, false);
            loss.backward(null, true, false);
            loss.backward();
            return List.of(x.grad(), w.grad());
        });
    }

    /** A user's function that keeps the gradient it receives and returns it and views of it. */
    private static final class Stash extends Function {
        final List<Tensor> kept = new ArrayList<>();

        @Override
        protected Tensor[] forward(Tensor[] in) {
            return new Tensor[] {in[0].mul(1), in[1].mul(1)};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            kept.add(grad[0]);
            kept.add(grad[1]);
            return new Tensor[] {grad[0], grad[1].reshape(-1).view(grad[1].shape())};
        }
    }

    @Test
    void aUsersFunctionThatKeepsItsGradients() throws Exception {
        assertIntact(d -> {
            Tensor x = leaf(d, 2, 3);
            Tensor b = leaf(d, 2, 3);
            Stash stash = new Stash();
            Tensor[] y = stash.apply(x.mul(3), b.exp());
            y[0].mul(y[1]).add(y[0]).sum().backward();
            List<Tensor> out = new ArrayList<>(stash.kept);
            out.add(x.grad());
            out.add(b.grad());
            return out;
        });
    }

    @Test
    void checkpointedSegments() throws Exception {
        assertIntact(d -> {
            Tensor x = leaf(d, 4, 3);
            Tensor w = leaf(d, 3, 3);
            Tensor h = Checkpoint.checkpoint(in -> in[0].mm(in[1]).relu().mul(in[0]), x, w);
            Tensor out = Checkpoint.checkpoint(in -> in[0].t().reshape(12).mul(in[0].t().reshape(12)), h);
            out.sum().backward();
            return List.of(x.grad(), w.grad());
        });
    }

    @Test
    void forwardOverReverseGradientsCarryingTangents() throws Exception {
        assertIntact(d -> {
            Tensor x = leaf(d, 4);
            Tensor g = input(d, 4);
            Tensor v = input(d, 4);
            Tensor out = x.mul(x).exp().mul(x.add(1));
            try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
                out.backward(ForwardAD.makeDual(g, v));
                Tensor tangent = ForwardAD.tangent(x.grad());
                return tangent == null ? List.of(x.grad()) : List.of(x.grad(), tangent);
            }
        });
    }

    /**
     * {@code x * 1} with a derivative that returns the tensor it saved, {@code 2x}: a built-in
     * derivative may return what it saved, and inside a checkpoint that tensor is recomputed
     * during the backward's own call.
     */
    private static Tensor returnsItsSaved(Tensor x) {
        Tensor out = x.detach().mul(1);
        return new BuiltinNode("ReturnsSavedBackward", new Tensor[] {x}, new Tensor[] {x.mul(2)},
                (node, g, saved) -> new Tensor[] {saved[0]}).record(out);
    }

    @Test
    void aSavedTensorReturnedAsTheGradientOfACheckpointedSegment() throws Exception {
        assertIntact(d -> {
            Tensor x = leaf(d, 5);
            Tensor loss = Checkpoint.checkpoint(in -> returnsItsSaved(in[0].add(1)), x).sum();
            loss.backward(null, true, false);
            loss.backward();
            return List.of(x.grad());
        });
    }

    @Test
    void backwardOnThreadsIntoSharedLeaves() throws Exception {
        assertIntact(d -> {
            // Small integers: every sum is exact, so the order in which threads add up does not matter.
            Tensor w = Tensor.of(new double[][] {{1, -2, 0}, {2, 1, -1}, {0, 3, 1}}).to(d).requiresGrad(true);
            Tensor h = w.mul(2).add(1);
            List<Tensor> losses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Tensor x = Tensor.of(new double[][] {{i, 1, -1}, {2, -i, 1}}).to(d);
                losses.add(x.mm(h).relu().pow(2).sum());
            }
            Tensor shared = losses.get(0).add(losses.get(1));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Callable<Void>> runs = new ArrayList<>();
                for (Tensor loss : new Tensor[] {shared, losses.get(2), losses.get(3), shared}) {
                    runs.add(() -> {
                        loss.backward(null, true, false);
                        return null;
                    });
                }
                for (Future<Void> f : pool.invokeAll(runs)) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            return List.of(w.grad());
        });
    }
}
