package dev.nabla.samples.ops;

import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.Saved;

/**
 * Seed 004's custom ReLU, {@code max(x, 0)}, written with the DSL: the gradient passes where
 * {@code x >= 0} and is zero elsewhere. Call it as {@code MyReLUFunction.apply(x)}.
 */
public final class MyReLU {
    @Saved Tensor x;

    @Differentiable
    Tensor forward(Tensor x) {
        this.x = x;
        return x.clampMin(0);
    }

    @Backward
    Tensor backward(Tensor gradOut) {
        return gradOut.maskedFill(x.lt(0), 0);
    }
}
