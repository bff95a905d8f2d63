package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * The absolute error {@code |input - target|}, reduced: PyTorch's {@code nn.L1Loss}. Input and
 * target have one shape (any); the mean over all elements by default. The gradient at a zero
 * difference is zero, as in PyTorch.
 */
public final class L1Loss extends Loss {
    /** The mean absolute error. */
    public L1Loss() {
        this(Reduction.MEAN);
    }

    /** The absolute error reduced as {@code reduction} says. */
    public L1Loss(Reduction reduction) {
        super(reduction);
    }

    /**
     * The reduced absolute error.
     *
     * @throws IllegalArgumentException if the shapes differ or a dtype is not floating point
     */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        checkSameShape("L1Loss", input, target);
        return reduce(input.sub(target).abs());
    }
}
