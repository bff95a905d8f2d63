package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * A 2-D convolution layer, PyTorch's {@code nn.Conv2d} with square kernels and the same stride,
 * padding and dilation along both axes: {@code [N, in, H, W]} (or {@code [in, H, W]}) to
 * {@code [N, out, outH, outW]} through {@link Functional#conv2d}. Parameters {@code weight
 * [out, in / groups, k, k]} and {@code bias [out]}, initialised as PyTorch does (see
 * {@link #resetParameters()}), under PyTorch's state-dict keys.
 */
public final class Conv2d extends ConvNd {
    /** A convolution with stride 1 and no padding. */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0);
    }

    /** A convolution with the given stride and zero padding, dilation 1, one group and a bias. */
    public Conv2d(long inChannels, long outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, true);
    }

    /**
     * A convolution with every option of PyTorch's but the padding mode (zeros).
     *
     * @throws IllegalArgumentException if a size is not positive, the padding is negative, or the
     *     groups do not divide both channel counts
     */
    public Conv2d(long inChannels, long outChannels, int kernelSize, int stride, int padding, int dilation, int groups,
            boolean bias) {
        super("Conv2d", 2, inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias);
    }

    /**
     * The convolution of {@code input} with this layer's weight, plus its bias.
     *
     * @throws IllegalArgumentException if the input's channels are not {@code in}, naming both shapes
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.conv2d(input, weight(), bias(), stride(), padding(), dilation(), groups());
    }
}
