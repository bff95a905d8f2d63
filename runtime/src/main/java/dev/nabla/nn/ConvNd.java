package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * What {@link Conv1d} and {@link Conv2d} share (PyTorch's {@code _ConvNd}): the weight
 * {@code [out, in / groups, k...]} and optional bias {@code [out]}, initialised as PyTorch does
 * (the weight by {@link Init#kaimingUniform_} with {@code a = sqrt(5)}, the bias uniformly on
 * {@code (-1/sqrt(fanIn), 1/sqrt(fanIn))} with {@code fanIn = in / groups * prod(k)}), and the
 * {@code toString()} PyTorch prints.
 */
abstract class ConvNd extends UnaryModule {
    private final long inChannels;
    private final long outChannels;
    private final int kernelSize;
    private final int stride;
    private final int padding;
    private final int dilation;
    private final int groups;
    private final int spatialDims;
    private final Parameter weight;
    private final Parameter bias;

    ConvNd(String name, int spatialDims, long inChannels, long outChannels, int kernelSize, int stride, int padding,
            int dilation, int groups, boolean bias) {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || stride <= 0 || padding < 0 || dilation <= 0
                || groups <= 0) {
            throw new IllegalArgumentException(name + ": channels, kernel size, stride, dilation and groups must be positive"
                    + " and padding non-negative, got in_channels=" + inChannels + ", out_channels=" + outChannels
                    + ", kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding + ", dilation="
                    + dilation + ", groups=" + groups);
        }
        if (inChannels % groups != 0) {
            throw new IllegalArgumentException(name + ": in_channels must be divisible by groups");
        }
        if (outChannels % groups != 0) {
            throw new IllegalArgumentException(name + ": out_channels must be divisible by groups");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        this.spatialDims = spatialDims;
        long[] shape = new long[2 + spatialDims];
        shape[0] = outChannels;
        shape[1] = inChannels / groups;
        for (int d = 0; d < spatialDims; d++) {
            shape[2 + d] = kernelSize;
        }
        this.weight = new Parameter(Tensor.zeros(shape));
        this.bias = bias ? new Parameter(Tensor.zeros(outChannels)) : null;
        resetParameters();
    }

    /** Re-draws the weight and bias with PyTorch's default initialisation (see the class comment). */
    public final void resetParameters() {
        Init.kaimingUniform_(weight(), Math.sqrt(5), Init.FanMode.FAN_IN, Init.Nonlinearity.LEAKY_RELU);
        if (bias() != null) {
            long fanIn = weight().numel() / outChannels;
            Init.uniform_(bias(), -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
        }
    }

    /** The weight, {@code [out, in / groups, kernelSize...]}. */
    public final Parameter weight() {
        return weight;
    }

    /** The bias, {@code [out]}, or null for a layer without one. */
    public final Parameter bias() {
        return bias;
    }

    /** The number of input channels. */
    public final long inChannels() {
        return inChannels;
    }

    /** The number of output channels. */
    public final long outChannels() {
        return outChannels;
    }

    final int stride() {
        return stride;
    }

    final int padding() {
        return padding;
    }

    final int dilation() {
        return dilation;
    }

    final int groups() {
        return groups;
    }

    /**
     * PyTorch's {@code extra_repr}, e.g. {@code 1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)}:
     * padding, dilation, groups and the bias appear only when not their defaults.
     */
    @Override
    public String extraRepr() {
        StringBuilder s = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(tuple(kernelSize)).append(", stride=").append(tuple(stride));
        if (padding != 0) {
            s.append(", padding=").append(tuple(padding));
        }
        if (dilation != 1) {
            s.append(", dilation=").append(tuple(dilation));
        }
        if (groups != 1) {
            s.append(", groups=").append(groups);
        }
        if (bias == null) {
            s.append(", bias=False");
        }
        return s.toString();
    }

    /** A Python tuple of {@code value} once per spatial dimension: {@code (3,)} or {@code (3, 3)}. */
    private String tuple(int value) {
        return spatialDims == 1 ? "(" + value + ",)" : "(" + value + ", " + value + ")";
    }
}
