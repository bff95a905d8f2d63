package dev.nabla.autograd;

import static dev.nabla.nn.TestData.assertClose;
import static dev.nabla.nn.TestData.float64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.Autograd;
import dev.nabla.Grad;
import dev.nabla.Gradcheck;
import dev.nabla.Tensor;
import dev.nabla.nn.TestData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Backward runs started from inside a node's backward (Note [Reentrant backward] on the engine),
 * ported from PyTorch's test_autograd.py, against {@code autograd/reentrant.json} (written by
 * {@code autograd/make_reentrant.py} with PyTorch 1.13).
 */
class ReentrantBackwardTest {
    private static final JsonNode REF = TestData.load("/autograd/reentrant.json");
    private static final double TOL = 1e-12;

    /** Issue 12's reproducer: F's backward calls {@code Autograd.grad} on the leaf that also reaches the loss directly. */
    @Test
    void gradInsideBackwardKeepsTheOuterRunsGradients() {
        JsonNode ref = REF.get("issue12");
        Tensor w = float64(ref.get("w")).requiresGrad(true);
        final class GradInBackward extends Function {
            @Override
            protected Tensor[] forward(Tensor[] in) {
                saveForBackward(in[0]);
                return new Tensor[] {in[0].mul(in[0])};
            }

            @Override
            protected Tensor[] backward(Tensor[] grad) {
                Tensor x = savedTensor(0);
                Tensor g;
                try (Grad.Scope on = Grad.enabled()) {
                    g = Autograd.grad(w.mul(3).sum(), w)[0];
                }
                return new Tensor[] {grad[0].mul(2).mul(x).mul(g)};
            }
        }
        Tensor y = new GradInBackward().apply(w)[0].add(w.mul(2)).sum();
        y.backward();
        assertNotNull(w.grad(), "w.grad()");
        assertClose(ref.get("grad"), w.grad(), TOL, "w.grad()");
    }

    /** test_simple_reentrant: the backward backpropagates through a graph its forward built. */
    @Test
    void simpleReentrant() {
        JsonNode ref = REF.get("simple_reentrant");
        Tensor yData = float64(ref.get("y"));
        final class Reenter extends Function {
            private Tensor x;
            private Tensor outputVar;

            @Override
            protected Tensor[] forward(Tensor[] in) {
                try (Grad.Scope on = Grad.enabled()) {
                    x = in[0].detach().requiresGrad(true);
                    outputVar = x.mul(yData.clone().requiresGrad(true));
                }
                return new Tensor[] {outputVar.detach()};
            }

            @Override
            protected Tensor[] backward(Tensor[] grad) {
                try (Grad.Scope on = Grad.enabled()) {
                    outputVar.sum().backward();
                }
                return new Tensor[] {x.grad().mul(grad[0])};
            }
        }
        Tensor x = float64(ref.get("x")).requiresGrad(true);
        new Reenter().apply(x)[0].sum().backward();
        assertClose(ref.get("grad"), x.grad(), TOL, "x.grad()");
    }

    /** test_reentrant_child_error: an error in a nested run reaches the outer backward's caller. */
    @Test
    void errorInANestedRunReachesTheCaller() {
        Tensor a = Tensor.rand(3, 3).requiresGrad(true);
        Tensor c = a.mul(a);
        Tensor b = Tensor.rand(3, 3).requiresGrad(true);
        final class SimulateBackwardError extends Function {
            @Override
            protected Tensor[] forward(Tensor[] in) {
                return new Tensor[] {in[0].clone()};
            }

            @Override
            protected Tensor[] backward(Tensor[] grad) {
                throw new IllegalStateException("Simulate error on backward pass");
            }
        }
        Tensor reentrantRoot = new SimulateBackwardError().apply(b.mul(b))[0].sum();
        final class ReentrantFunc extends Function {
            @Override
            protected Tensor[] forward(Tensor[] in) {
                return new Tensor[] {in[0].clone()};
            }

            @Override
            protected Tensor[] backward(Tensor[] grad) {
                reentrantRoot.backward();
                return grad;
            }
        }
        Tensor d = new ReentrantFunc().apply(c)[0];
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.sum().backward());
        assertTrue(e.getMessage().contains("Simulate error"), e.getMessage());
    }

    /** Nests {@code Reentrant} runs until its value drops below zero, logging each backward. */
    private static final class Reentrant extends Function {
        private final List<String> order;
        private Tensor x;

        Reentrant(List<String> order) {
            this.order = order;
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            try (Grad.Scope on = Grad.enabled()) {
                x = in[0].detach().requiresGrad(true).sub(1);
            }
            return new Tensor[] {x.detach()};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            order.add("Reentrant");
            if (x.item() < 0) {
                return grad;
            }
            try (Grad.Scope on = Grad.enabled()) {
                new Reentrant(order).apply(x)[0].backward();
            }
            return grad;
        }
    }

    /**
     * test_reentrant_priority: ten nested runs, each finished before the outer run goes on, and
     * the outer run's ready nodes taken latest-recorded first, as PyTorch's ready queue does.
     */
    @Test
    void nestedRunsFinishBeforeTheOuterRunContinues() {
        List<String> order = new ArrayList<>();
        final class MyFunction extends Function {
            @Override
            protected Tensor[] forward(Tensor[] in) {
                return new Tensor[] {in[0]};
            }

            @Override
            protected Tensor[] backward(Tensor[] grad) {
                order.add("MyFunction");
                return grad;
            }
        }
        Tensor a = new MyFunction().apply(Tensor.of(6.0).requiresGrad(true))[0];
        Tensor b = new Reentrant(order).apply(Tensor.of(9.0).requiresGrad(true))[0];
        a.mul(b).backward();
        List<String> expected = new ArrayList<>();
        REF.get("reentrant_priority").get("order").forEach(n -> expected.add(n.asText()));
        assertEquals(expected, order);
    }

    /** PyTorch's test_deep_reentrant: nesting deeper than one thread's stack allows still finishes. */
    @Test
    void deepNestingDoesNotOverflowTheStack() {
        List<String> order = new ArrayList<>();
        Tensor v = Tensor.of(2000.0).requiresGrad(true);
        new Reentrant(order).apply(v)[0].sum().backward();
        assertEquals(2001, order.size());
        assertEquals(1.0, v.grad().item());
    }

    /**
     * test_checkpointing with the reentrant checkpoint written out: the forward keeps only the
     * input, and the backward recomputes the segment and runs backward through it.
     */
    @Test
    void reentrantCheckpointing() {
        JsonNode ref = REF.get("checkpointing");
        Tensor[] params = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            params[i] = float64(ref.get("params").get(i)).requiresGrad(true);
        }
        Gradcheck.Fn module = in -> in[0].matmul(params[0].t()).add(params[1]).relu().matmul(params[2].t()).add(params[3]);
        final class CheckpointFunction extends Function {
            @Override
            protected Tensor[] forward(Tensor[] in) {
                saveForBackward(in[0]);
                return new Tensor[] {module.apply(in)};
            }

            @Override
            protected Tensor[] backward(Tensor[] grad) {
                Tensor x = savedTensor(0).detach().requiresGrad(true);
                try (Grad.Scope on = Grad.enabled()) {
                    Autograd.backward(new Tensor[] {module.apply(new Tensor[] {x})}, grad, false, false);
                }
                return new Tensor[] {x.grad()};
            }
        }
        int n = ref.get("data").size();
        Tensor[] inputs = new Tensor[n];
        Tensor[] feats = new Tensor[n];
        for (int i = 0; i < n; i++) {
            inputs[i] = float64(ref.get("data").get(i)).requiresGrad(true);
            feats[i] = new CheckpointFunction().apply(inputs[i])[0];
        }
        Tensor.cat(0, feats).mean().backward();
        for (int i = 0; i < 4; i++) {
            assertClose(ref.get("param_grads").get(i), params[i].grad(), TOL, "parameter " + i + " grad");
        }
        for (int i = 0; i < n; i++) {
            assertClose(ref.get("data_grads").get(i), inputs[i].grad(), TOL, "input " + i + " grad");
        }
    }
}
