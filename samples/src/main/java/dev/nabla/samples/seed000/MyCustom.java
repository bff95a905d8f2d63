package dev.nabla.samples.seed000;

import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.Jvp;
import dev.nabla.annotations.Saved;

/**
 * Seed 000's {@code MyCustomFunction}, written with Nabla's DSL; the processor generates
 * {@code MyCustomFunction}, so callers write {@code MyCustomFunction.apply(input)} as in the post.
 *
 * <p>The post leaves the math open ({@code return ...}); this op is softplus,
 * {@code log(1 + exp(x))}, a smooth ReLU that has no built-in op here. Its derivative is
 * {@code sigmoid(x)}.
 */
public final class MyCustom {
    /** The input, kept for backward: the post's "values saved on ctx" for the gradient. */
    @Saved Tensor x;

    @Differentiable
    Tensor forward(Tensor x) {
        this.x = x;
        // max(x, 0) + log(1 + exp(-|x|)) equals log(1 + exp(x)), but exp never overflows.
        return x.clampMin(0).add(x.abs().neg().exp().add(1).log());
    }

    @Backward
    Tensor backward(Tensor gradOut) {
        return gradOut.mul(x.sigmoid());
    }

    /** Forward mode: the input's tangent {@code x} times the same derivative, {@code sigmoid(this.x)}. */
    @Jvp
    Tensor jvp(Tensor x) {
        return x.mul(this.x.sigmoid());
    }
}
