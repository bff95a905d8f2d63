package dev.nabla.nn;

import dev.nabla.Tensor;

/** {@code the hyperbolic tangent}, elementwise: PyTorch's {@code nn.Tanh}. Any shape; the output has the input's. */
public final class Tanh extends UnaryModule {
    /** The activation; it has no parameters. */
    public Tanh() {}

    /** {@code the hyperbolic tangent} of every element of {@code input} (backward node {@code TanhBackward0}). */
    @Override
    public Tensor forward(Tensor input) {
        return input.tanh();
    }
}
