package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * The squared error {@code (input - target)^2}, reduced: PyTorch's {@code nn.MSELoss}. Input and
 * target have one shape (any); the mean over all elements by default.
 */
public final class MSELoss extends Loss {
    /** The mean squared error. */
    public MSELoss() {
        this(Reduction.MEAN);
    }

    /** The squared error reduced as {@code reduction} says. */
    public MSELoss(Reduction reduction) {
        super(reduction);
    }

    /**
     * The reduced squared error.
     *
     * @throws IllegalArgumentException if the shapes differ or a dtype is not floating point
     */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        checkSameShape("MSELoss", input, target);
        Tensor diff = input.sub(target);
        return reduce(diff.mul(diff));
    }
}
