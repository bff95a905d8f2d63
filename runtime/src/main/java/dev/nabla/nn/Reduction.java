package dev.nabla.nn;

/** How a {@link Loss} combines its per-element losses, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** The mean over all elements (a 0-dimensional result); PyTorch's default. */
    MEAN,
    /** The sum over all elements (a 0-dimensional result). */
    SUM,
    /** No reduction: one loss per element (or per sample, for {@link CrossEntropyLoss}). */
    NONE
}
