package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * A 1-D convolution layer, PyTorch's {@code nn.Conv1d}: {@code [N, in, L]} (or {@code [in, L]})
 * to {@code [N, out, outL]} through {@link Functional#conv1d}. Parameters {@code weight
 * [out, in / groups, k]} and {@code bias [out]}, initialised as PyTorch does (see
 * {@link #resetParameters()}), under PyTorch's state-dict keys.
 */
public final class Conv1d extends ConvNd {
    /** A convolution with stride 1 and no padding. */
    public Conv1d(long inChannels, long outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0, 1, 1, true);
    }

    /**
     * A convolution with every option of PyTorch's but the padding mode (zeros).
     *
     * @throws IllegalArgumentException if a size is not positive, the padding is negative, or the
     *     groups do not divide both channel counts
     */
    public Conv1d(long inChannels, long outChannels, int kernelSize, int stride, int padding, int dilation, int groups,
            boolean bias) {
        super("Conv1d", 1, inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias);
    }

    /**
     * The convolution of {@code input} with this layer's weight, plus its bias.
     *
     * @throws IllegalArgumentException if the input's channels are not {@code in}, naming both shapes
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.conv1d(input, weight(), bias(), stride(), padding(), dilation(), groups());
    }
}
