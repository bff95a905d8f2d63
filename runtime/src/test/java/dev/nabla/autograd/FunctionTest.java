package dev.nabla.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import org.junit.jupiter.api.Test;

/** Hand-written ports of the seeds' custom functions (001's LinearFunction, 004's MyReLU and STE) and the context's features. */
class FunctionTest {
    /** Seed 001: {@code input.mm(weight.t()) + bias}, bias optional, gradients only where needed. */
    static final class LinearFunction extends Function {
        @Override
        protected Tensor[] forward(Tensor[] in) {
            Tensor input = in[0];
            Tensor weight = in[1];
            Tensor bias = in[2];
            saveForBackward(input, weight, bias);
            Tensor output = input.mm(weight.t());
            if (bias != null) {
                output = output.add(bias.unsqueeze(0).expandAs(output));
            }
            return new Tensor[] {output};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            Tensor[] s = savedTensors();
            Tensor gradOutput = grad[0];
            Tensor gradInput = needsInputGrad(0) ? gradOutput.mm(s[1]) : null;
            Tensor gradWeight = needsInputGrad(1) ? gradOutput.t().mm(s[0]) : null;
            Tensor gradBias = s[2] != null && needsInputGrad(2) ? gradOutput.sum(0, false) : null;
            return new Tensor[] {gradInput, gradWeight, gradBias};
        }
    }

    /** Seed 004's MyReLU. */
    static final class MyReLU extends Function {
        @Override
        protected Tensor[] forward(Tensor[] in) {
            saveForBackward(in[0]);
            return new Tensor[] {in[0].clampMin(0)};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            Tensor x = savedTensors()[0];
            return new Tensor[] {grad[0].maskedFill(x.lt(0), 0)};
        }
    }

    /** Seed 004's straight-through estimator: a hard threshold whose gradient passes straight through. */
    static final class STE extends Function {
        @Override
        protected Tensor[] forward(Tensor[] in) {
            return new Tensor[] {in[0].gt(0).to(in[0].dtype())};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            return new Tensor[] {grad[0]};
        }
    }

    @Test
    void linearFunctionPassesGradcheckWithAndWithoutBias() {
        Nabla.manualSeed(1);
        Tensor x = Tensor.randn(DType.FLOAT64, 5, 3).requiresGrad(true);
        Tensor w = Tensor.randn(DType.FLOAT64, 4, 3).requiresGrad(true);
        Tensor b = Tensor.randn(DType.FLOAT64, 4).requiresGrad(true);
        assertTrue(Gradcheck.check(in -> new LinearFunction().apply(in)[0], x, w, b));
        assertTrue(Gradcheck.check(in -> new LinearFunction().apply(in[0], in[1], null)[0], x, w));
        Tensor y = new LinearFunction().apply(x, w, b)[0];
        assertEquals("LinearFunctionBackward", y.gradFn().name());
    }

    @Test
    void needsInputGradSkipsUnneededGradients() {
        Tensor x = Tensor.randn(DType.FLOAT64, 2, 3);
        Tensor w = Tensor.randn(DType.FLOAT64, 4, 3).requiresGrad(true);
        new LinearFunction().apply(x, w, null)[0].sum().backward();
        assertNull(x.grad());
        assertArrayEquals(new long[] {4, 3}, w.grad().shape());
    }

    @Test
    void myReluGradientIsOneWherePositive() {
        Tensor x = Tensor.of(-1.5, 0.5, 2.0, -0.1, 3.0).requiresGrad(true);
        new MyReLU().apply(x)[0].sum().backward();
        assertArrayEquals(new double[] {0, 1, 1, 0, 1}, x.grad().toDoubleArray());
        Tensor x64 = Tensor.randn(DType.FLOAT64, 8).requiresGrad(true);
        assertTrue(Gradcheck.check(in -> new MyReLU().apply(in)[0], Gradcheck.Options.defaults().withEps(1e-6).withAtol(1e-5), x64));
    }

    @Test
    void straightThroughEstimatorPassesOnes() {
        Tensor x = Tensor.of(-1f, 2f, -3f, 4f).requiresGrad(true);
        Tensor y = new STE().apply(x)[0];
        assertArrayEquals(new float[] {0, 1, 0, 1}, y.toFloatArray());
        y.sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 1}, x.grad().toFloatArray());
        // Deliberately not the true gradient: gradcheck says so.
        Tensor x64 = Tensor.of(-1.0, 2.0).requiresGrad(true);
        assertTrue(!Gradcheck.check(in -> new STE().apply(in)[0], Gradcheck.Options.defaults().withRaiseException(false), x64));
    }

    @Test
    void noNodeWithoutGrad() {
        Tensor y = new MyReLU().apply(Tensor.of(1.0, -1.0))[0];
        assertNull(y.gradFn());
        Tensor x = Tensor.of(1.0).requiresGrad(true);
        try (var off = dev.nabla.Grad.disabled()) {
            assertNull(new MyReLU().apply(x)[0].gradFn());
        }
    }

    @Test
    void wrongGradientShapeIsAClearError() {
        Function bad = new Function() {
            @Override
            protected Tensor[] forward(Tensor[] in) {
                return new Tensor[] {in[0].mul(2)};
            }

            @Override
            protected Tensor[] backward(Tensor[] grad) {
                return new Tensor[] {Tensor.ones(DType.FLOAT64, 3)};
            }

            @Override
            public String name() {
                return "BadShapeBackward";
            }
        };
        Tensor x = Tensor.ones(DType.FLOAT64, 2, 2).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> bad.apply(x)[0].sum().backward());
        assertEquals("function BadShapeBackward returned an invalid gradient at index 0 - got [3] but expected shape"
                + " compatible with [2, 2]", e.getMessage());
    }

    @Test
    void wrongGradientCountIsAClearError() {
        Function bad = new Function() {
            @Override
            protected Tensor[] forward(Tensor[] in) {
                return new Tensor[] {in[0].mul(in[1])};
            }

            @Override
            protected Tensor[] backward(Tensor[] grad) {
                return new Tensor[] {grad[0]};
            }
        };
        Tensor x = Tensor.ones(DType.FLOAT64, 2).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> bad.apply(x, x)[0].sum().backward());
        assertTrue(e.getMessage().contains("returned an incorrect number of gradients (expected 2, got 1)"), e.getMessage());
    }

    @Test
    void savedTensorModifiedInPlaceIsDetected() {
        Tensor x = Tensor.of(1.0, -2.0).requiresGrad(true);
        Tensor h = x.mul(1.0);
        Tensor y = new MyReLU().apply(h)[0];
        try (var off = dev.nabla.Grad.disabled()) {
            h.add_(1);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("MyReLUBackward") && e.getMessage().contains("is at version 1; expected version 0"),
                e.getMessage());
    }

    @Test
    void materializeGradsFalsePassesNullForUnusedOutputs() {
        Tensor[] seen = new Tensor[2];
        class TwoOutputs extends Function {
            @Override
            protected Tensor[] forward(Tensor[] in) {
                setMaterializeGrads(false);
                return new Tensor[] {in[0].mul(2), in[0].mul(3)};
            }

            @Override
            protected Tensor[] backward(Tensor[] grad) {
                seen[0] = grad[0];
                seen[1] = grad[1];
                return new Tensor[] {grad[0] == null ? null : grad[0].mul(2)};
            }
        }
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor[] out = new TwoOutputs().apply(x);
        out[0].sum().backward();
        assertNull(seen[1]);
        assertArrayEquals(new double[] {2, 2}, x.grad().toDoubleArray());
    }

    @Test
    void nonDifferentiableOutputHasNoGradFn() {
        class SortOfArgmax extends Function {
            @Override
            protected Tensor[] forward(Tensor[] in) {
                Tensor idx = in[0].gt(0).to(DType.FLOAT64);
                markNonDifferentiable(idx);
                return new Tensor[] {in[0].mul(2), idx};
            }

            @Override
            protected Tensor[] backward(Tensor[] grad) {
                return new Tensor[] {grad[0].mul(2)};
            }
        }
        Tensor x = Tensor.of(1.0, -2.0).requiresGrad(true);
        Tensor[] out = new SortOfArgmax().apply(x);
        assertTrue(out[0].requiresGrad());
        assertTrue(!out[1].requiresGrad());
    }

    @Test
    void onceDifferentiableRefusesDoubleBackward() {
        class Square extends Function {
            @Override
            protected Tensor[] forward(Tensor[] in) {
                saveForBackward(in[0]);
                setOnceDifferentiable(true);
                return new Tensor[] {in[0].mul(in[0])};
            }

            @Override
            protected Tensor[] backward(Tensor[] grad) {
                return new Tensor[] {grad[0].mul(savedTensors()[0]).mul(2)};
            }
        }
        Tensor x = Tensor.of(3.0).requiresGrad(true);
        Tensor g = Autograd.grad(new Square().apply(x)[0], new Tensor[] {x}, null, true, true)[0];
        assertEquals(6.0, g.item());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Autograd.grad(g.sum(), x));
        assertTrue(e.getMessage().contains("once differentiable"), e.getMessage());
    }

    @Test
    void dirtyInputIsRebased() {
        class AddOneInPlace extends Function {
            @Override
            protected Tensor[] forward(Tensor[] in) {
                in[0].add_(1);
                markDirty(in[0]);
                return new Tensor[] {in[0]};
            }

            @Override
            protected Tensor[] backward(Tensor[] grad) {
                return new Tensor[] {grad[0]};
            }
        }
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor h = x.mul(2);
        Tensor out = new AddOneInPlace().apply(h)[0];
        assertTrue(out == h);
        assertEquals("AddOneInPlaceBackward", h.gradFn().name());
        out.sum().backward();
        assertArrayEquals(new double[] {2, 2}, x.grad().toDoubleArray());
        Tensor leaf = Tensor.of(1.0).requiresGrad(true);
        assertThrows(IllegalStateException.class, () -> new AddOneInPlace().apply(leaf));
    }

    @Test
    void instanceIsSingleUse() {
        MyReLU f = new MyReLU();
        f.apply(Tensor.of(1.0));
        assertThrows(IllegalStateException.class, () -> f.apply(Tensor.of(1.0)));
    }
}
