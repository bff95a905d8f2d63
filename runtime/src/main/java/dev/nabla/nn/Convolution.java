package dev.nabla.nn;

import dev.nabla.Tensor;
import dev.nabla.backend.Window;
import dev.nabla.internal.Shapes;

/**
 * Convolutions ({@link Functional#conv1d}, {@link Functional#conv2d}). With one group each is
 * one {@link ConvolutionFunction} node, which runs the backend's convolution kernels where it has
 * them (the CPU's, image by image; see Note [One image at a time] in {@code ConvKernels}).
 * Otherwise, and with several groups, it is im2col and matrix products ({@link #unfolded}): the
 * input's windows are unfolded into columns {@code [C * kH * kW, N * outH * outW]}
 * ({@link Im2colFunction}), the weight {@code [O, C * kH * kW]} multiplies all of them in one
 * product per group, and the result {@code [O, N, outH * outW]} is put in NCHW order; gradients
 * come from autograd through these differentiable steps (the columns' gradient folded back by
 * col2im), so every order of derivative works.
 */
final class Convolution {
    private Convolution() {}

    /** {@code conv1d} on {@code [N, C, L]} or unbatched {@code [C, L]}, as a 2-D convolution of height 1. */
    static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        String op = "conv1d";
        checkArguments(op, input, weight, stride, padding, dilation, groups, 3);
        boolean batched = input.dim() == 3;
        Tensor x = batched ? input : input.unsqueeze(0);
        checkShapes(op, x, weight, bias, groups);
        long length = x.size(2) + 2L * padding;
        long span = (long) dilation * (weight.size(2) - 1) + 1;
        if (length < span) {
            throw new IllegalArgumentException(op + ": Calculated padded input size per channel: (" + length
                    + "). Kernel size: (" + span + "). Kernel size can't be greater than actual input size");
        }
        Window window = new Window(1, (int) weight.size(2), 1, stride, 0, padding, 1, dilation);
        Tensor out = convolve(x.unsqueeze(2), weight.unsqueeze(2), bias, window, groups).squeeze(2);
        return batched ? out : out.squeeze(0);
    }

    /** {@code conv2d} on {@code [N, C, H, W]} or unbatched {@code [C, H, W]}. */
    static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        String op = "conv2d";
        checkArguments(op, input, weight, stride, padding, dilation, groups, 4);
        boolean batched = input.dim() == 4;
        Tensor x = batched ? input : input.unsqueeze(0);
        checkShapes(op, x, weight, bias, groups);
        long h = x.size(2) + 2L * padding;
        long w = x.size(3) + 2L * padding;
        long spanH = (long) dilation * (weight.size(2) - 1) + 1;
        long spanW = (long) dilation * (weight.size(3) - 1) + 1;
        if (h < spanH || w < spanW) {
            throw new IllegalArgumentException(op + ": Calculated padded input size per channel: (" + h + " x " + w
                    + "). Kernel size: (" + spanH + " x " + spanW + "). Kernel size can't be greater than actual input size");
        }
        Window window = new Window((int) weight.size(2), (int) weight.size(3), stride, stride, padding, padding, dilation,
                dilation);
        Tensor out = convolve(x, weight, bias, window, groups);
        return batched ? out : out.squeeze(0);
    }

    /**
     * The convolution of a checked {@code x [N, C, H, W]} with {@code weight [O, C / groups, kH, kW]}:
     * one {@link ConvolutionFunction} node for one group, the unfolded product's steps for more.
     */
    private static Tensor convolve(Tensor x, Tensor weight, Tensor bias, Window window, int groups) {
        return groups == 1 ? new ConvolutionFunction(window).apply(x, weight, bias)[0]
                : unfolded(x, weight, bias, window, groups);
    }

    /** The convolution as im2col, one matrix product per group, and the result put in NCHW order; differentiable step by step. */
    static Tensor unfolded(Tensor x, Tensor weight, Tensor bias, Window window, int groups) {
        long n = x.size(0);
        long outChannels = weight.size(0);
        long outH = window.outH(x.size(2));
        long outW = window.outW(x.size(3));
        long positions = outH * outW;
        Tensor col = new Im2colFunction(window, 0).apply(x)[0];
        long k = weight.size(1) * window.size();
        Tensor product;
        if (groups == 1) {
            product = weight.reshape(outChannels, k).matmul(col);
        } else {
            long perGroup = outChannels / groups;
            Tensor[] parts = new Tensor[groups];
            for (int g = 0; g < groups; g++) {
                parts[g] = weight.narrow(0, g * perGroup, perGroup).reshape(perGroup, k).matmul(col.narrow(0, g * k, k));
            }
            product = Tensor.cat(0, parts);
        }
        // [O, N * positions] to [N, O, positions].
        product = product.reshape(outChannels, n, positions).transpose(0, 1);
        if (bias != null) {
            product = product.add(bias.reshape(1, outChannels, 1));
        }
        return product.reshape(n, outChannels, outH, outW);
    }

    private static void checkArguments(String op, Tensor input, Tensor weight, int stride, int padding, int dilation,
            int groups, int batchedDim) {
        if (input == null || weight == null) {
            throw new NullPointerException(op + ": " + (input == null ? "input" : "weight") + " must not be null");
        }
        if (input.dim() != batchedDim && input.dim() != batchedDim - 1) {
            throw new IllegalArgumentException(op + ": Expected " + (batchedDim - 1) + "D (unbatched) or " + batchedDim
                    + "D (batched) input to " + op + ", but got input of size: " + Shapes.format(input.shape()));
        }
        if (weight.dim() != batchedDim) {
            throw new IllegalArgumentException(op + ": expected a " + batchedDim + "-D weight [out_channels, "
                    + "in_channels / groups, kernel...], but got weight of size " + Shapes.format(weight.shape()));
        }
        if (stride <= 0) {
            throw new IllegalArgumentException(op + ": non-positive stride is not supported");
        }
        if (padding < 0) {
            throw new IllegalArgumentException(op + ": negative padding is not supported");
        }
        if (dilation <= 0) {
            throw new IllegalArgumentException(op + ": non-positive dilation is not supported");
        }
        if (groups <= 0) {
            throw new IllegalArgumentException(op + ": non-positive groups is not supported");
        }
        if (!input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating point input (float32 or float64), got "
                    + input.dtype().torchName());
        }
        if (input.dtype() != weight.dtype()) {
            throw new IllegalArgumentException(op + ": Input type (" + input.dtype().torchName() + ") and weight type ("
                    + weight.dtype().torchName() + ") should be the same");
        }
        if (!input.device().equals(weight.device())) {
            throw new IllegalArgumentException(op + ": expected input and weight on the same device, but found "
                    + input.device() + " and " + weight.device());
        }
    }

    /** PyTorch's checks of the channels, the groups and the bias, with its messages; {@code x} is batched. */
    private static void checkShapes(String op, Tensor x, Tensor weight, Tensor bias, int groups) {
        if (weight.size(0) % groups != 0) {
            throw new IllegalArgumentException(op + ": Given groups=" + groups + ", expected weight to be divisible by "
                    + groups + " at dimension 0, but got weight of size " + Shapes.format(weight.shape()) + " instead");
        }
        if (x.size(1) != weight.size(1) * groups) {
            throw new IllegalArgumentException(op + ": Given groups=" + groups + ", weight of size "
                    + Shapes.format(weight.shape()) + ", expected input" + Shapes.format(x.shape()) + " to have "
                    + weight.size(1) * groups + " channels, but got " + x.size(1) + " channels instead");
        }
        if (bias != null) {
            if (bias.dim() != 1 || bias.size(0) != weight.size(0)) {
                throw new IllegalArgumentException(op + ": Given weight of size " + Shapes.format(weight.shape())
                        + ", expected bias to be 1-dimensional with " + weight.size(0) + " elements, but got bias of size "
                        + Shapes.format(bias.shape()) + " instead");
            }
            if (bias.dtype() != x.dtype() || !bias.device().equals(x.device())) {
                throw new IllegalArgumentException(op + ": expected the bias to be " + x.dtype().torchName() + " on "
                        + x.device() + " like the input, but got " + bias.dtype().torchName() + " on " + bias.device());
            }
        }
    }
}
