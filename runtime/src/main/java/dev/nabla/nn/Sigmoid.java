package dev.nabla.nn;

import dev.nabla.Tensor;

/** {@code 1 / (1 + e^-x)}, elementwise: PyTorch's {@code nn.Sigmoid}. Any shape; the output has the input's. */
public final class Sigmoid extends UnaryModule {
    /** The activation; it has no parameters. */
    public Sigmoid() {}

    /** {@code 1 / (1 + e^-x)} of every element of {@code input} (backward node {@code SigmoidBackward0}). */
    @Override
    public Tensor forward(Tensor input) {
        return input.sigmoid();
    }
}
