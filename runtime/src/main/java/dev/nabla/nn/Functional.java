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

    // ---------------------------------------------------------------- transformers: normalisation, embeddings, activations, attention, losses

    /**
     * Layer normalisation, PyTorch's {@code F.layer_norm}: each slice over the last
     * {@code normalizedShape.length} dimensions is shifted to mean 0 and scaled to variance 1
     * (the biased variance, {@code eps} added to it), then multiplied by {@code weight} and
     * {@code bias} added.
     *
     * @param input floating point {@code [*, normalizedShape...]}
     * @param normalizedShape the trailing dimensions to normalise over (at least one)
     * @param weight {@code normalizedShape}, or null for none
     * @param bias {@code normalizedShape}, or null for none
     * @param eps added to the variance, {@code >= 0} (PyTorch's default is {@code 1e-5})
     * @return the input's shape
     * @throws IllegalArgumentException if the input's trailing dimensions are not
     *     {@code normalizedShape}, weight or bias has another shape, dtype or device, or eps is negative
     */
    public static Tensor layerNorm(Tensor input, long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Normalization.layerNorm(input, normalizedShape, weight, bias, eps);
    }

    /**
     * The rows of {@code weight} that {@code indices} name, PyTorch's {@code F.embedding}. The
     * gradient of {@code weight} is accumulated into the rows used (a row used twice gets both
     * gradients) and is zero elsewhere.
     *
     * @param indices INT64 of any shape {@code [*]}, values in {@code [0, count)}
     * @param weight {@code [count, dim]}
     * @return {@code [*, dim]}
     * @throws IllegalArgumentException if {@code indices} is not INT64, {@code weight} is not 2-D, or
     *     they are on different devices
     * @throws IndexOutOfBoundsException if an index is outside {@code [0, count)}
     */
    public static Tensor embedding(Tensor indices, Tensor weight) {
        return Embeddings.embedding(indices, weight);
    }

    /**
     * The Gaussian error linear unit {@code x * (1 + erf(x / sqrt 2)) / 2}, exact (PyTorch's
     * {@code F.gelu} with {@code approximate='none'}). Any shape.
     *
     * @throws IllegalArgumentException if {@code input} is not floating point
     */
    public static Tensor gelu(Tensor input) {
        return Activations.gelu(input);
    }

    /**
     * The sigmoid linear unit {@code x * sigmoid(x)}, PyTorch's {@code F.silu}. Any shape.
     *
     * @throws IllegalArgumentException if {@code input} is not floating point
     */
    public static Tensor silu(Tensor input) {
        return Activations.silu(input);
    }

    /**
     * {@code log(1 + exp(x))}, and {@code x} itself where {@code x > 20}: PyTorch's
     * {@code F.softplus} with {@code beta=1, threshold=20}. Accurate for large negative inputs
     * too. Any shape.
     *
     * @throws IllegalArgumentException if {@code input} is not floating point
     */
    public static Tensor softplus(Tensor input) {
        return Activations.softplus(input);
    }

    /**
     * Attention {@code softmax(q k^T / sqrt(E) + mask) v}, PyTorch's
     * {@code F.scaled_dot_product_attention} (without dropout). The softmax subtracts each row's
     * maximum, so large scores do not overflow; a query whose every key is masked gets NaN, as in
     * PyTorch 1.13.
     *
     * @param q query {@code [..., L, E]}
     * @param k key {@code [..., S, E]}
     * @param v value {@code [..., S, Ev]}; the leading dimensions of the three broadcast
     * @param mask null, or broadcastable to {@code [..., L, S]}: BOOL (true where query may attend
     *     to key) or floating (added to the scores, e.g. {@code -inf} to forbid)
     * @param causal whether query {@code i} attends only to keys {@code j <= i} (the top-left lower
     *     triangle)
     * @return {@code [..., L, Ev]}
     * @throws IllegalArgumentException if a mask is given together with {@code causal}, the shapes
     *     do not fit, the dtypes differ or are not floating point, or the devices differ
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal) {
        return Attention.scaledDotProductAttention(q, k, v, mask, causal);
    }

    /**
     * The mean cross entropy of logits against class indices, PyTorch's {@code F.cross_entropy}.
     *
     * @param input logits {@code [N, C]}, {@code [C]} or {@code [N, C, d1, ...]}
     * @param target INT64 class indices {@code [N]}, {@code []} or {@code [N, d1, ...]}, in {@code [0, C)}
     * @return a 0-dimensional tensor
     * @throws IllegalArgumentException if the shapes, dtypes or devices do not fit, or a target is out of bounds
     */
    public static Tensor crossEntropy(Tensor input, Tensor target) {
        return Losses.crossEntropy("crossEntropy", input, target, Losses.DEFAULT_IGNORE_INDEX, 0, Reduction.MEAN);
    }

    /**
     * The mean cross entropy with PyTorch's {@code ignore_index} and {@code label_smoothing}:
     * samples whose target is {@code ignoreIndex} contribute nothing and are not counted in the
     * mean (all ignored gives NaN, as PyTorch), and with smoothing {@code s} the target
     * distribution is {@code 1 - s} on the class plus {@code s / C} on every class.
     *
     * @param input logits {@code [N, C]}, {@code [C]} or {@code [N, C, d1, ...]}
     * @param target INT64 class indices {@code [N]}, {@code []} or {@code [N, d1, ...]}, in
     *     {@code [0, C)} or equal to {@code ignoreIndex}
     * @param ignoreIndex the target value to skip (PyTorch's default is -100)
     * @param labelSmoothing in {@code [0, 1]}
     * @return a 0-dimensional tensor
     * @throws IllegalArgumentException if the shapes, dtypes or devices do not fit, a target is out
     *     of bounds, or the smoothing is outside {@code [0, 1]}
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, long ignoreIndex, double labelSmoothing) {
        return Losses.crossEntropy("crossEntropy", input, target, ignoreIndex, labelSmoothing, Reduction.MEAN);
    }

    /**
     * The mean negative log likelihood {@code -logProbs[i, target[i]]}, PyTorch's {@code F.nll_loss};
     * targets equal to -100 are ignored.
     *
     * @param logProbs log-probabilities {@code [N, C]}, {@code [C]} or {@code [N, C, d1, ...]}
     * @param target INT64 class indices {@code [N]}, {@code []} or {@code [N, d1, ...]}
     * @return a 0-dimensional tensor
     * @throws IllegalArgumentException if the shapes, dtypes or devices do not fit, or a target is out of bounds
     */
    public static Tensor nllLoss(Tensor logProbs, Tensor target) {
        return Losses.nllLoss("nllLoss", logProbs, target, Losses.DEFAULT_IGNORE_INDEX, Reduction.MEAN);
    }

    /**
     * The mean binary cross entropy of logits {@code x} against targets {@code y} in [0, 1],
     * {@code max(x, 0) - x y + log(1 + exp(-|x|))}: PyTorch's
     * {@code F.binary_cross_entropy_with_logits}, finite for any finite logit.
     *
     * @param input logits, any shape
     * @param target the same shape, dtype and device
     * @return a 0-dimensional tensor
     * @throws IllegalArgumentException if the shapes, dtypes or devices differ, or they are not floating point
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
        return Losses.binaryCrossEntropyWithLogits("binaryCrossEntropyWithLogits", input, target, Reduction.MEAN);
    }
}
