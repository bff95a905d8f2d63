package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * The binary cross entropy of logits against targets in {@code [0, 1]}, PyTorch's
 * {@code nn.BCEWithLogitsLoss}: {@code max(x, 0) - x y + log(1 + exp(-|x|))} per element, finite
 * for any finite logit (see {@link Functional#binaryCrossEntropyWithLogits}). Input and target
 * have one shape, dtype and device.
 */
public final class BCEWithLogitsLoss extends Loss {
    /** The mean loss over the elements. */
    public BCEWithLogitsLoss() {
        this(Reduction.MEAN);
    }

    /** The loss reduced as {@code reduction} says. */
    public BCEWithLogitsLoss(Reduction reduction) {
        super(reduction);
    }

    /**
     * The reduced loss of {@code input} (logits) against {@code target}.
     *
     * @throws IllegalArgumentException if the shapes, dtypes or devices differ, or they are not floating point
     */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.binaryCrossEntropyWithLogits("BCEWithLogitsLoss", input, target, reduction());
    }
}
