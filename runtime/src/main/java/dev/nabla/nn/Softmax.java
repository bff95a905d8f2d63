package dev.nabla.nn;

import dev.nabla.Tensor;

/** {@code exp(x) / sum(exp(x))} along one dimension, PyTorch's {@code nn.Softmax(dim)}, computed stably. */
public final class Softmax extends UnaryModule {
    private final int dim;

    /** The softmax along {@code dim} (negative counts from the end). */
    public Softmax(int dim) {
        this.dim = dim;
    }

    /** The dimension normalised. */
    public int dim() {
        return dim;
    }

    /**
     * The softmax of {@code input} along {@link #dim()}; the output has the input's shape.
     *
     * @throws IllegalArgumentException if {@code input} is not floating point
     * @throws IndexOutOfBoundsException if {@code dim} is out of range for the input
     */
    @Override
    public Tensor forward(Tensor input) {
        return input.softmax(dim);
    }

    /** {@code dim=1}, as PyTorch prints it. */
    @Override
    public String extraRepr() {
        return "dim=" + dim;
    }
}
