package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * The cross entropy between logits and class indices: PyTorch's {@code nn.CrossEntropyLoss}
 * with class-index targets. For sample {@code i} the loss is
 * {@code -logSoftmax(input[i])[target[i]]}, computed through {@link Tensor#logSoftmax(int)} so
 * that large logits neither overflow nor lose precision; with label smoothing {@code s} it is
 * {@code (1 - s)} times that plus {@code s} times the mean over the classes of
 * {@code -logSoftmax(input[i])}. Samples whose target is the ignore index (-100 by default)
 * contribute nothing and are not counted in the mean.
 *
 * <p>Shapes: input (unnormalised logits) {@code [N, C]} and target INT64 {@code [N]} with
 * values in {@code [0, C)}; input {@code [C]} and a 0-dimensional target for one sample; or
 * input {@code [N, C, d1, ...]} and target {@code [N, d1, ...]}. The result is the mean over
 * the samples by default, their sum, or ({@link Reduction#NONE}) the per-sample losses in the
 * target's shape. Class weights and probability targets are not supported.
 */
public final class CrossEntropyLoss extends Loss {
    private final long ignoreIndex;
    private final double labelSmoothing;

    /** The mean cross entropy over the samples. */
    public CrossEntropyLoss() {
        this(Reduction.MEAN);
    }

    /** The cross entropy reduced as {@code reduction} says. */
    public CrossEntropyLoss(Reduction reduction) {
        this(reduction, Losses.DEFAULT_IGNORE_INDEX, 0);
    }

    /**
     * The cross entropy reduced as {@code reduction} says, skipping targets equal to
     * {@code ignoreIndex} and smoothing the target distribution by {@code labelSmoothing}.
     *
     * @throws IllegalArgumentException if {@code labelSmoothing} is not in {@code [0, 1]}
     */
    public CrossEntropyLoss(Reduction reduction, long ignoreIndex, double labelSmoothing) {
        super(reduction);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0. Got: "
                    + labelSmoothing);
        }
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
    }

    /** The target value whose samples are skipped (-100 by default). */
    public long ignoreIndex() {
        return ignoreIndex;
    }

    /** The label smoothing in {@code [0, 1]} (0 by default). */
    public double labelSmoothing() {
        return labelSmoothing;
    }

    /**
     * The reduced cross entropy of {@code input} (logits) against {@code target} (class indices).
     *
     * @throws IllegalArgumentException if {@code input} is not floating point of a shape above,
     *     {@code target} is not INT64 of the matching shape, a target is outside {@code [0, C)} and
     *     not the ignore index, or they are on different devices
     */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.crossEntropy("CrossEntropyLoss", input, target, ignoreIndex, labelSmoothing, reduction());
    }
}
