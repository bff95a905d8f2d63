package dev.nabla.samples.seed002;

import dev.nabla.Tensor;
import dev.nabla.nn.Module;

/**
 * Seed 002's {@code CustomLoss}: the summed absolute error {@code |yPred - yTrue|.sum()}.
 *
 * <p>It extends {@link Module} as the post extends {@code nn.Module}, and declares the two-tensor
 * forward its callers need (Java has no {@code __call__}, so callers write
 * {@code criterion.forward(output, yTrue)}). {@link dev.nabla.nn.L1Loss} with
 * {@link dev.nabla.nn.Reduction#SUM} is the built-in equivalent.
 */
public final class CustomLoss extends Module {
    /** The loss; it has no parameters. */
    public CustomLoss() {}

    /**
     * The sum of the absolute differences, a 0-dimensional tensor whose {@code grad_fn} is
     * {@code SumBackward0}. The shapes broadcast against each other, as {@code torch.abs(y_pred -
     * y_true)} does.
     */
    public Tensor forward(Tensor yPred, Tensor yTrue) {
        return yPred.sub(yTrue).abs().sum();
    }
}
