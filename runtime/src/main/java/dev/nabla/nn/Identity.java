package dev.nabla.nn;

import dev.nabla.Tensor;

/** Returns its input unchanged, PyTorch's {@code nn.Identity}: a placeholder where a layer is optional. */
public final class Identity extends UnaryModule {
    /** The identity. */
    public Identity() {}

    /** {@code input} itself. */
    @Override
    public Tensor forward(Tensor input) {
        return input;
    }
}
