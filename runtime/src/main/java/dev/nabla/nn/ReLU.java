package dev.nabla.nn;

import dev.nabla.Tensor;

/** {@code max(x, 0)}, elementwise: PyTorch's {@code nn.ReLU}. Any shape; the output has the input's. */
public final class ReLU extends UnaryModule {
    /** The activation; it has no parameters. */
    public ReLU() {}

    /** {@code max(x, 0)} of every element of {@code input} (backward node {@code ReluBackward0}). */
    @Override
    public Tensor forward(Tensor input) {
        return input.relu();
    }
}
