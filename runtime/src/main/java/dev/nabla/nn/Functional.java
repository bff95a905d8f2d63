package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * Stateless neural-network functions, PyTorch's {@code torch.nn.functional}: the modules of this
 * package call them, and models may call them directly. Every function is differentiable (twice
 * where PyTorch's is) and runs on any device through the tensor ops it is made of.
 */
public final class Functional {
    private Functional() {}

    // ================================================================ transformers: normalisation, embeddings, activations, attention, losses

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
