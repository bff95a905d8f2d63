package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * Batch normalization of {@code [N, C, H, W]} inputs over the channels {@code C}, PyTorch's
 * {@code nn.BatchNorm2d}, through {@link Functional#batchNorm}: parameters {@code weight} and
 * {@code bias}, buffers {@code running_mean}, {@code running_var} and {@code num_batches_tracked}
 * (PyTorch's keys); the batch's statistics in training mode, the running ones after
 * {@link Module#eval()}.
 */
public final class BatchNorm2d extends BatchNormNd {
    /** Over {@code numFeatures} channels, with eps 1e-5, momentum 0.1, affine parameters and running statistics. */
    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    /**
     * With every option of PyTorch's but a cumulative (None) momentum.
     *
     * @throws IllegalArgumentException if {@code numFeatures} or {@code eps} is not positive, or
     *     {@code momentum} is not in {@code [0, 1]}
     */
    public BatchNorm2d(long numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        super("BatchNorm2d", numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    void checkInputDim(Tensor input) {
        if (input.dim() != 4) {
            throw new IllegalArgumentException("BatchNorm2d: expected 4D input (got " + input.dim() + "D input)");
        }
    }
}
