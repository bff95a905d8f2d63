package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * A criterion comparing a prediction with a target, PyTorch's {@code _Loss}: a module (so it
 * prints in a model) whose {@link #forward(Tensor, Tensor)} returns the loss, reduced as
 * {@link #reduction()} says.
 */
public abstract class Loss extends Module {
    private final Reduction reduction;

    /**
     * A loss with the given reduction.
     *
     * @throws NullPointerException if {@code reduction} is null
     */
    protected Loss(Reduction reduction) {
        if (reduction == null) {
            throw new NullPointerException(getClass().getSimpleName() + ": reduction must not be null");
        }
        this.reduction = reduction;
    }

    /** How per-element losses are combined. */
    public final Reduction reduction() {
        return reduction;
    }

    /**
     * The loss of {@code input} against {@code target}.
     *
     * @throws IllegalArgumentException if the shapes, dtypes or devices do not fit the loss
     */
    public abstract Tensor forward(Tensor input, Tensor target);

    /** {@code perElement} reduced as {@link #reduction()} says. */
    protected final Tensor reduce(Tensor perElement) {
        switch (reduction) {
            case MEAN:
                return perElement.mean();
            case SUM:
                return perElement.sum();
            default:
                return perElement;
        }
    }

    /**
     * @throws IllegalArgumentException unless {@code input} and {@code target} have one shape and
     *     floating point dtypes
     */
    static void checkSameShape(String loss, Tensor input, Tensor target) {
        if (!java.util.Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException(loss + ": input of shape " + java.util.Arrays.toString(input.shape())
                    + " and target of shape " + java.util.Arrays.toString(target.shape()) + " differ; they must have the"
                    + " same shape (Nabla does not broadcast them, which in PyTorch is a warning and a likely bug)");
        }
        if (!input.dtype().isFloatingPoint() || !target.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(loss + ": expected floating point input and target, got "
                    + input.dtype().torchName() + " and " + target.dtype().torchName());
        }
    }
}
