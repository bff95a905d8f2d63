package dev.nabla.samples.seed004;

import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.Jvp;
import dev.nabla.annotations.Saved;

/**
 * The exercise of seed 004: a custom sigmoid, {@code 1 / (1 + exp(-x))}, with its own backward,
 * {@code gradOut * y * (1 - y)}. Call it as {@code MySigmoidFunction.apply(x)}.
 */
public final class MySigmoid {
    /**
     * The output, which is all the backward needs. An output (unlike an intermediate) carries
     * its own graph, so double backward through it stays exact.
     */
    @Saved Tensor y;

    @Differentiable
    Tensor forward(Tensor x) {
        // Built from exp rather than Tensor.sigmoid(), so that comparing with sigmoid() tests something.
        Tensor y = x.neg().exp().add(1).pow(-1);
        this.y = y;
        return y;
    }

    @Backward
    Tensor backward(Tensor gradOut) {
        return gradOut.mul(y.mul(y.neg().add(1)));
    }

    /** The same derivative, {@code y * (1 - y)}, applied to the input's tangent {@code x}. */
    @Jvp
    Tensor jvp(Tensor x) {
        return x.mul(y.mul(y.neg().add(1)));
    }
}
