package dev.nabla.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.nn.Dropout;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Checkpoint#checkpoint}: what the graph keeps, the gradients, the random state, the errors. */
class CheckpointTest {
    private static final int LAYERS = 8;
    private static final long BATCH = 16;
    private static final long WIDTH = 32;

    /** An MLP of {@link #LAYERS} layers {@code relu(h W + b)}, optionally with dropout after each. */
    private static final class Mlp {
        final Tensor[] weights = new Tensor[LAYERS];
        final Tensor[] biases = new Tensor[LAYERS];
        final Dropout dropout;
        int calls;

        Mlp(double dropoutP) {
            for (int i = 0; i < LAYERS; i++) {
                weights[i] = Tensor.randn(DType.FLOAT64, WIDTH, WIDTH).mul(0.2).requiresGrad(true);
                biases[i] = Tensor.randn(DType.FLOAT64, WIDTH).requiresGrad(true);
            }
            dropout = dropoutP == 0 ? null : new Dropout(dropoutP);
        }

        Tensor forward(Tensor[] in) {
            calls++;
            Tensor h = in[0];
            for (int i = 0; i < LAYERS; i++) {
                h = h.mm(weights[i]).add(biases[i]).relu();
                if (dropout != null) {
                    h = dropout.forward(h);
                }
            }
            return h;
        }

        Set<Tensor> parameters() {
            Set<Tensor> p = Collections.newSetFromMap(new IdentityHashMap<>());
            Collections.addAll(p, weights);
            Collections.addAll(p, biases);
            return p;
        }
    }

    /** Bytes of the distinct tensors, other than {@code exclude}, that the graph behind {@code out} keeps for backward. */
    private static long savedBytes(Tensor out, Set<Tensor> exclude) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Tensor> held = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> todo = new ArrayDeque<>();
        todo.push(out.gradFn());
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (!seen.add(n)) {
                continue;
            }
            for (SavedTensor s : n.savedTensors()) {
                held.addAll(s.held());
            }
            for (Node next : n.nextFunctions()) {
                if (next != null) {
                    todo.push(next);
                }
            }
        }
        long bytes = 0;
        for (Tensor t : held) {
            if (!exclude.contains(t)) {
                bytes += t.numel() * t.dtype().byteSize();
            }
        }
        return bytes;
    }

    @Test
    void aCheckpointedSegmentKeepsOnlyItsInput() {
        Nabla.manualSeed(1);
        Mlp mlp = new Mlp(0);
        Tensor x = Tensor.randn(DType.FLOAT64, BATCH, WIDTH);
        long activation = BATCH * WIDTH * Double.BYTES;

        Tensor plain = mlp.forward(new Tensor[] {x});
        // Each layer's matmul keeps its input and its relu its output: x and the 8 layer outputs.
        assertEquals((LAYERS + 1) * activation, savedBytes(plain, mlp.parameters()));

        Tensor checkpointed = Checkpoint.checkpoint(mlp::forward, x);
        assertEquals(activation, savedBytes(checkpointed, mlp.parameters()));
    }

    @Test
    void gradientsAndRandomStateAreThoseOfThePlainRun() {
        Nabla.manualSeed(2);
        Mlp mlp = new Mlp(0.25);
        Tensor x0 = Tensor.randn(DType.FLOAT64, BATCH, WIDTH);

        long seed = 77;
        Nabla.manualSeed(seed);
        Tensor x = x0.clone().requiresGrad(true);
        mlp.forward(new Tensor[] {x}).pow(2).sum().backward();
        double[][] expected = grads(mlp, x);
        double nextDraw = Tensor.rand(DType.FLOAT64, 1).item();
        zeroGrads(mlp);

        Nabla.manualSeed(seed);
        mlp.calls = 0;
        Tensor xc = x0.clone().requiresGrad(true);
        Checkpoint.checkpoint(mlp::forward, xc).pow(2).sum().backward();
        assertEquals(2, mlp.calls, "forward, then one recomputation");
        double[][] actual = grads(mlp, xc);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], "gradient " + i + " differs from the plain run's");
        }
        assertEquals(nextDraw, Tensor.rand(DType.FLOAT64, 1).item(), "the random stream after backward");
    }

    private static double[][] grads(Mlp mlp, Tensor x) {
        double[][] g = new double[2 * LAYERS + 1][];
        for (int i = 0; i < LAYERS; i++) {
            g[2 * i] = mlp.weights[i].grad().toDoubleArray();
            g[2 * i + 1] = mlp.biases[i].grad().toDoubleArray();
        }
        g[2 * LAYERS] = x.grad().toDoubleArray();
        return g;
    }

    private static void zeroGrads(Mlp mlp) {
        for (int i = 0; i < LAYERS; i++) {
            mlp.weights[i].setGrad(null);
            mlp.biases[i].setGrad(null);
        }
    }

    @Test
    void anInputModifiedBeforeBackwardIsReported() {
        Tensor x = Tensor.randn(DType.FLOAT64, 3).requiresGrad(true);
        Tensor h = x.mul(2);
        Tensor y = Checkpoint.checkpoint(in -> in[0].exp(), h).sum();
        h.add_(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("checkpoint input 0"), e.getMessage());
    }

    @Test
    void aSegmentThatRunsOtherOpsWhenRecomputedIsReported() {
        Tensor x = Tensor.randn(DType.FLOAT64, 3).requiresGrad(true);
        int[] calls = {0};
        Gradcheck.Fn changing = in -> ++calls[0] == 1 ? in[0].exp() : in[0].exp().exp();
        Tensor y = Checkpoint.checkpoint(changing, x).sum();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().startsWith("checkpoint: recomputing the segment saved 2 tensors"), e.getMessage());
    }

    @Test
    void nestedCheckpointsAndGradAgreeWithThePlainGradient() {
        Tensor x = Tensor.of(0.5, -1.0, 2.0).requiresGrad(true);
        Gradcheck.Fn inner = in -> in[0].sin().mul(in[0]);
        Gradcheck.Fn outer = in -> Checkpoint.checkpoint(inner, in[0].exp()).tanh();
        Tensor expected = dev.nabla.Autograd.grad(outer.apply(new Tensor[] {x}).sum(), x)[0];
        Tensor actual = dev.nabla.Autograd.grad(Checkpoint.checkpoint(outer, x).sum(), x)[0];
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray());
    }
}
