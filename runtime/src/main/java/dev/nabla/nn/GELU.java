package dev.nabla.nn;

import dev.nabla.Tensor;

/** The exact Gaussian error linear unit, PyTorch's {@code nn.GELU()} (see {@link Functional#gelu}). Any shape. */
public final class GELU extends UnaryModule {
    /** The activation; it has no parameters. */
    public GELU() {}

    /**
     * {@code x * (1 + erf(x / sqrt 2)) / 2} of every element.
     *
     * @throws IllegalArgumentException if {@code input} is not floating point
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.gelu(input);
    }

    /** {@code approximate='none'}, as PyTorch prints it. */
    @Override
    public String extraRepr() {
        return "approximate='none'";
    }
}
