package dev.nabla.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Grad;
import dev.nabla.Gradcheck;
import dev.nabla.Tensor;
import org.junit.jupiter.api.Test;

/** The forward-mode machinery: levels, dual tensors, jvp rules of built-in ops and of Functions. */
class ForwardADTest {
    private static Tensor vec(double... v) {
        return Tensor.of(v);
    }

    @Test
    void dualTensorCarriesItsTangentThroughABuiltInOp() {
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor x = ForwardAD.makeDual(vec(0.0, 1.0), vec(1.0, 2.0));
            Tensor y = x.exp();
            assertArrayEquals(new double[] {1.0, 2 * Math.E}, ForwardAD.tangent(y).toDoubleArray(), 1e-12);
        }
    }

    @Test
    void tangentsVanishWhenTheLevelCloses() {
        Tensor x;
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            x = ForwardAD.makeDual(vec(1.0), vec(1.0));
        }
        assertNull(ForwardAD.tangent(x));
        assertNull(ForwardAD.tangent(x.exp()));
    }

    @Test
    void forwardModeWorksWithGradDisabledAndBuildsNoGraph() {
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel(); Grad.Scope off = Grad.disabled()) {
            Tensor x = ForwardAD.makeDual(vec(0.5), vec(3.0));
            Tensor y = x.exp();
            assertEquals(3 * Math.exp(0.5), ForwardAD.tangent(y).toDoubleArray()[0], 1e-12);
            assertNull(y.gradFn());
        }
    }

    @Test
    void nestedLevelsAndMisuseAreClearErrors() {
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, ForwardAD::dualLevel);
            assertTrue(e.getMessage().contains("already has an open level"), e.getMessage());
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> ForwardAD.makeDual(vec(1, 2), vec(1)));
            assertTrue(shape.getMessage().contains("tangent must match the primal"), shape.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ForwardAD.makeDual(null, vec(1)));
            assertThrows(IllegalArgumentException.class,
                    () -> ForwardAD.makeDual(Tensor.of(new long[] {1}), Tensor.of(new long[] {1})));
        }
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> ForwardAD.makeDual(vec(1), vec(1)));
        assertTrue(closed.getMessage().contains("no forward-mode level"), closed.getMessage());
    }

    /** exp(x) * 3 written by hand, with a jvp. */
    static final class ScaledExp extends Function {
        @Override
        protected Tensor[] forward(Tensor[] in) {
            Tensor y = in[0].exp().mul(3);
            saveForBackward(y);
            return new Tensor[] {y};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            return new Tensor[] {grad[0].mul(savedTensors()[0])};
        }

        @Override
        protected Tensor[] jvp(Tensor[] tangents) {
            return new Tensor[] {tangents[0].mul(savedTensor(0))};
        }
    }

    /** The same without a jvp. */
    static final class NoJvp extends Function {
        @Override
        protected Tensor[] forward(Tensor[] in) {
            return new Tensor[] {in[0].mul(2)};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            return new Tensor[] {grad[0].mul(2)};
        }
    }

    @Test
    void functionJvpRunsAfterForwardAndReadsWhatForwardSaved() {
        Tensor x = vec(0.0, 1.0).to(DType.FLOAT64);
        Tensor[] r = Autograd.jvp(in -> new ScaledExp().apply(in[0])[0], new Tensor[] {x}, new Tensor[] {vec(1.0, 1.0)});
        assertArrayEquals(new double[] {3, 3 * Math.E}, r[1].toDoubleArray(), 1e-12);
        Tensor leaf = vec(0.25).requiresGrad(true);
        assertTrue(Gradcheck.check(in -> new ScaledExp().apply(in[0])[0],
                Gradcheck.Options.defaults().withCheckForwardAD(true), leaf.to(DType.FLOAT64).detach().requiresGrad(true)));
    }

    @Test
    void anOpWithoutAJvpRuleIsNamed() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Autograd.jvp(in -> new NoJvp().apply(in[0])[0], new Tensor[] {vec(1.0)}, new Tensor[] {vec(1.0)}));
        assertTrue(e.getMessage().startsWith("NoJvp: no forward-mode (jvp) rule"), e.getMessage());
        assertTrue(e.getMessage().contains("override jvp"), e.getMessage());
    }

    @Test
    void forwardModeJacobianEqualsReverseMode() {
        Tensor x = vec(0.1, -0.3, 0.7).to(DType.FLOAT64);
        Gradcheck.Fn fn = in -> in[0].exp();
        Tensor fwd = Autograd.jacobian(fn, Autograd.Strategy.FORWARD_MODE, x)[0];
        Tensor rev = Autograd.jacobian(fn, Autograd.Strategy.REVERSE_MODE, x)[0];
        assertArrayEquals(rev.toDoubleArray(), fwd.toDoubleArray(), 1e-15);
        assertArrayEquals(new long[] {3, 3}, fwd.shape());
    }

    /** The README's forward-mode example prints what the README shows. */
    @Test
    void readmeExample() {
        Tensor[] r = Autograd.jvp(in -> in[0].sin().mul(in[0]), new Tensor[] {Tensor.of(0.0, 1.0)},
                new Tensor[] {Tensor.of(1.0, 1.0)});
        assertEquals("tensor([0.0000, 1.3818], dtype=torch.float64)", r[1].toString());
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor x = ForwardAD.makeDual(Tensor.of(0.0, 1.0), Tensor.of(1.0, 1.0));
            assertArrayEquals(new double[] {1, Math.E}, ForwardAD.tangent(x.exp()).toDoubleArray(), 1e-15);
        }
    }
}
