package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * The negative log likelihood of log-probabilities against class indices, PyTorch's
 * {@code nn.NLLLoss} (targets equal to -100 are ignored): input {@code [N, C]}, {@code [C]} or
 * {@code [N, C, d1, ...]}, INT64 target {@code [N]}, {@code []} or {@code [N, d1, ...]}. The mean
 * divides by the number of targets not ignored; {@link Reduction#NONE} gives the target's shape.
 */
public final class NLLLoss extends Loss {
    /** The mean negative log likelihood. */
    public NLLLoss() {
        this(Reduction.MEAN);
    }

    /** The negative log likelihood reduced as {@code reduction} says. */
    public NLLLoss(Reduction reduction) {
        super(reduction);
    }

    /**
     * The reduced loss of {@code input} (log-probabilities) against {@code target} (class indices).
     *
     * @throws IllegalArgumentException if the shapes, dtypes or devices do not fit, or a target is out of bounds
     */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.nllLoss("NLLLoss", input, target, Losses.DEFAULT_IGNORE_INDEX, reduction());
    }
}
