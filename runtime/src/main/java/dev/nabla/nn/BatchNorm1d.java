package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * Batch normalization of {@code [N, C]} or {@code [N, C, L]} inputs over the channels {@code C}, PyTorch's
 * {@code nn.BatchNorm1d}, through {@link Functional#batchNorm}: parameters {@code weight} and
 * {@code bias}, buffers {@code running_mean}, {@code running_var} and {@code num_batches_tracked}
 * (PyTorch's keys); the batch's statistics in training mode, the running ones after
 * {@link Module#eval()}.
 */
public final class BatchNorm1d extends BatchNormNd {
    /** Over {@code numFeatures} channels, with eps 1e-5, momentum 0.1, affine parameters and running statistics. */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    /**
     * With every option of PyTorch's but a cumulative (None) momentum.
     *
     * @throws IllegalArgumentException if {@code numFeatures} or {@code eps} is not positive, or
     *     {@code momentum} is not in {@code [0, 1]}
     */
    public BatchNorm1d(long numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        super("BatchNorm1d", numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    void checkInputDim(Tensor input) {
        if (input.dim() != 2 && input.dim() != 3) {
            throw new IllegalArgumentException("BatchNorm1d: expected 2D or 3D input (got " + input.dim() + "D input)");
        }
    }
}
