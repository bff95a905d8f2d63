package dev.nabla.nn;

import dev.nabla.Tensor;

/** {@code x * sigmoid(x)}, elementwise: PyTorch's {@code nn.SiLU} (see {@link Functional#silu}). Any shape. */
public final class SiLU extends UnaryModule {
    /** The activation; it has no parameters. */
    public SiLU() {}

    /**
     * {@code x * sigmoid(x)} of every element.
     *
     * @throws IllegalArgumentException if {@code input} is not floating point
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.silu(input);
    }
}
