package dev.nabla.nn;

import dev.nabla.Tensor;
import dev.nabla.internal.Shapes;

/**
 * Stateless functions of neural networks, PyTorch's {@code torch.nn.functional}: the math the
 * modules of this package apply, for models that keep their own parameters. Every function is
 * differentiable where PyTorch's is (gradients for the input, the weight and the bias, and
 * second derivatives), runs on any device, and takes float32 or float64 tensors, all of one dtype
 * and device; a violation is an {@link IllegalArgumentException} naming the function, with
 * PyTorch's wording where PyTorch has one.
 */
public final class Functional {
    private Functional() {}

    // ---------------------------------------------------------------- convolutional networks

    /**
     * The affine map {@code input W^T + b}, as {@code F.linear}.
     *
     * @param input {@code [..., in]}
     * @param weight {@code [out, in]}
     * @param bias {@code [out]}, or null for none
     * @return {@code [..., out]}
     * @throws IllegalArgumentException if the weight is not 2-D or its second size is not the
     *     input's last, or a bias is not {@code [out]}
     */
    public static Tensor linear(Tensor input, Tensor weight, Tensor bias) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("linear: expected a 2-D weight [out_features, in_features], got "
                    + Shapes.format(weight.shape()));
        }
        if (input.dim() == 0 || input.size(-1) != weight.size(1)) {
            throw new IllegalArgumentException("linear: input of shape " + Shapes.format(input.shape())
                    + " and weight of shape " + Shapes.format(weight.shape()) + " cannot be multiplied (in_features="
                    + weight.size(1) + ")");
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0))) {
            throw new IllegalArgumentException("linear: expected a bias of shape [" + weight.size(0) + "], got "
                    + Shapes.format(bias.shape()));
        }
        return Linear.affine(input, weight, bias);
    }

    /**
     * A 1-D convolution (cross-correlation), as {@code F.conv1d}.
     *
     * @param input {@code [N, C, L]}, or {@code [C, L]} unbatched
     * @param weight {@code [O, C / groups, K]}
     * @param bias {@code [O]}, or null for none
     * @param stride the step between windows, at least 1
     * @param padding zeros added at both ends, at least 0
     * @param dilation the spacing of the kernel's taps, at least 1
     * @param groups the number of channel groups convolved separately, dividing C and O
     * @return {@code [N, O, (L + 2 * padding - dilation * (K - 1) - 1) / stride + 1]} (unbatched without N)
     * @throws IllegalArgumentException if the channels do not match the weight (naming both
     *     shapes), an argument is out of range, or the kernel is larger than the padded input
     */
    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, int stride, int padding, int dilation,
            int groups) {
        return Convolution.conv1d(input, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * A 2-D convolution (cross-correlation), as {@code F.conv2d}; the same padding, stride and
     * dilation apply to both spatial dimensions.
     *
     * @param input {@code [N, C, H, W]}, or {@code [C, H, W]} unbatched
     * @param weight {@code [O, C / groups, kH, kW]}
     * @param bias {@code [O]}, or null for none
     * @param stride the step between windows, at least 1
     * @param padding zeros added on every side, at least 0
     * @param dilation the spacing of the kernel's taps, at least 1
     * @param groups the number of channel groups convolved separately, dividing C and O
     * @return {@code [N, O, outH, outW]} with {@code outH = (H + 2 * padding - dilation * (kH - 1) - 1) / stride + 1}
     *     and likewise {@code outW} (unbatched without N)
     * @throws IllegalArgumentException if the channels do not match the weight (naming both
     *     shapes), an argument is out of range, or the kernel is larger than the padded input
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int stride, int padding, int dilation,
            int groups) {
        return Convolution.conv2d(input, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * The maximum of each {@code kernelSize x kernelSize} window, as {@code F.max_pool2d}
     * (padding reads as -inf; the gradient goes to the first maximum of each window).
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}
     * @param stride the step between windows (PyTorch's default is {@code kernelSize})
     * @param padding at most {@code kernelSize / 2}
     * @return {@code [N, C, (H + 2 * padding - kernelSize) / stride + 1, ...]}
     * @throws IllegalArgumentException if an argument is out of range or the output would be empty
     */
    public static Tensor maxPool2d(Tensor input, int kernelSize, int stride, int padding) {
        return Pooling.maxPool2d(input, kernelSize, stride, padding);
    }

    /**
     * The mean of each {@code kernelSize x kernelSize} window, as {@code F.avg_pool2d}: padding
     * counts as zeros in the average ({@code count_include_pad=True}, PyTorch's default).
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}
     * @param stride the step between windows (PyTorch's default is {@code kernelSize})
     * @param padding at most {@code kernelSize / 2}
     * @return {@code [N, C, (H + 2 * padding - kernelSize) / stride + 1, ...]}
     * @throws IllegalArgumentException if an argument is out of range or the output would be empty
     */
    public static Tensor avgPool2d(Tensor input, int kernelSize, int stride, int padding) {
        return Pooling.avgPool2d(input, kernelSize, stride, padding);
    }

    /**
     * Average pooling to a fixed output size, as {@code F.adaptive_avg_pool2d}: output row
     * {@code i} averages input rows {@code [floor(i * H / outH), ceil((i + 1) * H / outH))}, and
     * likewise for columns.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}
     * @return {@code [N, C, outH, outW]}
     * @throws IllegalArgumentException if an output size is below 1 or the input is empty
     */
    public static Tensor adaptiveAvgPool2d(Tensor input, int outH, int outW) {
        return Pooling.adaptiveAvgPool2d(input, outH, outW);
    }

    /**
     * Batch normalization, as {@code F.batch_norm}: per channel (dimension 1),
     * {@code (x - mean) / sqrt(var + eps) * weight + bias}. Training uses the batch's mean and
     * biased variance and updates the running statistics in place, without a graph:
     * {@code running = (1 - momentum) * running + momentum * batch}, with the unbiased variance;
     * evaluation uses the running statistics.
     *
     * @param input {@code [N, C]}, {@code [N, C, L]} or {@code [N, C, H, W]}
     * @param runningMean {@code [C]}, or null (then nothing is tracked; required in evaluation)
     * @param runningVar {@code [C]}, or null (likewise)
     * @param weight {@code [C]}, or null for 1
     * @param bias {@code [C]}, or null for 0
     * @throws IllegalArgumentException if a per-channel tensor is not {@code [C]}, training sees a
     *     single value per channel, or evaluation has no running statistics
     */
    public static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
            boolean training, double momentum, double eps) {
        return BatchNormalization.batchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    /**
     * Zeroes each element with probability {@code p} and scales the rest by {@code 1 / (1 - p)}
     * when {@code training}, as {@code F.dropout}; returns {@code input} itself otherwise. The mask
     * is drawn from the generator {@link dev.nabla.Nabla#manualSeed} seeds.
     *
     * @throws IllegalArgumentException if {@code p} is not in {@code [0, 1]} or the input is not floating point
     */
    public static Tensor dropout(Tensor input, double p, boolean training) {
        return ElementwiseFunctions.dropout(input, p, training);
    }

    /**
     * {@code x} where positive, else {@code slope * x}, as {@code F.leaky_relu}.
     *
     * @throws IllegalArgumentException if the input is not floating point
     */
    public static Tensor leakyRelu(Tensor input, double slope) {
        return ElementwiseFunctions.leakyRelu(input, slope);
    }

    /**
     * One-hot encoding, as {@code F.one_hot}: an INT64 tensor of {@code indices}' shape plus a last
     * dimension of {@code classes}, 1 at each index and 0 elsewhere.
     *
     * @param indices INT64 class indices in {@code [0, classes)}
     * @param classes the number of classes, or -1 to use the largest index plus one
     * @throws IllegalArgumentException if the indices are not INT64 or out of range
     */
    public static Tensor oneHot(Tensor indices, int classes) {
        return ElementwiseFunctions.oneHot(indices, classes);
    }
}
