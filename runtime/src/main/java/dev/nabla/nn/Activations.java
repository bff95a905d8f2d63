package dev.nabla.nn;

import dev.nabla.Tensor;
import dev.nabla.autograd.Function;
import dev.nabla.backend.UnaryOp;
import dev.nabla.internal.KeepsNoGradients;
import dev.nabla.internal.TensorAccess;

/** The smooth activations of {@link Functional}: GELU, SiLU and softplus. */
final class Activations {
    /** softplus is the identity above this input, as PyTorch's default {@code threshold=20}. */
    private static final double SOFTPLUS_THRESHOLD = 20;

    private Activations() {}

    static Tensor gelu(Tensor input) {
        requireFloating("gelu", input);
        return TensorAccess.get().unary(UnaryOp.GELU, input);
    }

    static Tensor silu(Tensor input) {
        requireFloating("silu", input);
        return input.mul(input.sigmoid());
    }

    static Tensor softplus(Tensor input) {
        requireFloating("softplus", input);
        return new Softplus().apply(input)[0];
    }

    static void requireFloating(String op, Tensor input) {
        if (input == null) {
            throw new NullPointerException(op + ": input must not be null");
        }
        if (!input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating point input, got " + input.dtype().torchName());
        }
    }

    /**
     * {@code log(1 + exp(x))}, and {@code x} itself above the threshold, as PyTorch's
     * {@code softplus(x, beta=1, threshold=20)}. Written as a {@link Function} because its
     * forward guards {@code log(1 + e)} in ways autograd should not see (a select whose other
     * branch divides by zero), while its gradient is simply {@code sigmoid(x)} (exactly 1 above
     * the threshold, as PyTorch's).
     */
    private static final class Softplus extends Function implements KeepsNoGradients {
        @Override
        public String name() {
            return "SoftplusBackward0";
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            Tensor x = in[0];
            saveForBackward(x);
            Tensor e = x.clampMax(SOFTPLUS_THRESHOLD).exp();
            Tensor u = e.add(1);
            // log1p(e) to full precision without a log1p kernel: log(u) * e / (u - 1) corrects the rounding
            // of u = 1 + e (Goldberg's trick); where u rounds to 1, log1p(e) is e itself.
            Tensor safe = Tensor.where(u.eq(1), Tensor.onesLike(u), u.sub(1));
            Tensor log1p = Tensor.where(u.eq(1), e, u.log().mul(e).div(safe));
            return new Tensor[] {Tensor.where(x.gt(SOFTPLUS_THRESHOLD), x, log1p)};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            Tensor x = savedTensors()[0];
            Tensor g = grad[0];
            return new Tensor[] {Tensor.where(x.gt(SOFTPLUS_THRESHOLD), g, g.mul(x.sigmoid()))};
        }

        /** The tangent times the same derivative as backward's: {@code sigmoid(x)}, 1 above the threshold. */
        @Override
        protected Tensor[] jvp(Tensor[] tangents) {
            Tensor x = savedTensor(0);
            Tensor t = tangents[0];
            return new Tensor[] {Tensor.where(x.gt(SOFTPLUS_THRESHOLD), t, t.mul(x.sigmoid()))};
        }
    }
}
