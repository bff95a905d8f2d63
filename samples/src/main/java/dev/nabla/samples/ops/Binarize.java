package dev.nabla.samples.ops;

import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.Gradcheck;
import dev.nabla.annotations.Jvp;

/**
 * Seed 004's straight-through estimator: the forward is a hard threshold ({@code 1} where
 * {@code x > 0}, else {@code 0}, in {@code x}'s dtype); the backward pretends it was the identity,
 * which gives quantization-aware training a learning signal. Call it as
 * {@code BinarizeFunction.apply(x)}.
 */
public final class Binarize {
    @Differentiable
    @Gradcheck(enabled = false, reason = "straight-through estimator: the backward is deliberately the identity,"
            + " not the true (zero) gradient of a threshold")
    Tensor forward(Tensor x) {
        return x.gt(0).to(x.dtype());
    }

    @Backward
    Tensor backward(Tensor gradOut) {
        return gradOut;
    }

    /**
     * The straight-through estimator in forward mode: the tangent passes unchanged, as the gradient
     * does, so that forward and reverse mode agree (neither is the threshold's true, zero
     * derivative, which is why the generated check stays disabled).
     */
    @Jvp
    Tensor jvp(Tensor x) {
        return x;
    }
}
