package dev.nabla.nn;

import dev.nabla.Tensor;
import java.util.Arrays;

/** Layer normalisation for {@link Functional#layerNorm}. */
final class Normalization {
    private Normalization() {}

    static Tensor layerNorm(Tensor input, long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        String op = "layerNorm";
        Activations.requireFloating(op, input);
        if (normalizedShape == null || normalizedShape.length == 0) {
            throw new IllegalArgumentException(op + ": normalizedShape must have at least one dimension, got "
                    + Arrays.toString(normalizedShape));
        }
        long[] shape = input.shape();
        int k = normalizedShape.length;
        if (shape.length < k || !Arrays.equals(Arrays.copyOfRange(shape, shape.length - k, shape.length), normalizedShape)) {
            throw new IllegalArgumentException(op + ": given normalized_shape=" + Arrays.toString(normalizedShape)
                    + ", expected input with shape [*, " + Arrays.toString(normalizedShape).replaceAll("[\\[\\]]", "")
                    + "], but got input of size " + Arrays.toString(shape));
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException(op + ": eps must be non-negative, got " + eps);
        }
        checkAffine(op, "weight", weight, input, normalizedShape);
        checkAffine(op, "bias", bias, input, normalizedShape);
        long m = 1;
        for (long s : normalizedShape) {
            m *= s;
        }
        long[] rows = Arrays.copyOf(shape, shape.length - k + 1);
        rows[rows.length - 1] = m;
        // Normalised over one flattened last dimension; the biased variance, as PyTorch's.
        Tensor x = input.reshape(rows);
        Tensor centred = x.sub(x.mean(-1, true));
        Tensor std = centred.mul(centred).mean(-1, true).add(eps).sqrt();
        Tensor y = centred.div(std).reshape(shape);
        if (weight != null) {
            y = y.mul(weight);
        }
        return bias == null ? y : y.add(bias);
    }

    private static void checkAffine(String op, String name, Tensor t, Tensor input, long[] normalizedShape) {
        if (t == null) {
            return;
        }
        if (!Arrays.equals(t.shape(), normalizedShape)) {
            throw new IllegalArgumentException(op + ": expected " + name + " of shape " + Arrays.toString(normalizedShape)
                    + " (normalizedShape), got " + Arrays.toString(t.shape()));
        }
        if (t.dtype() != input.dtype() || !t.device().equals(input.device())) {
            throw new IllegalArgumentException(op + ": " + name + " is " + t.dtype().torchName() + " on " + t.device()
                    + " but the input is " + input.dtype().torchName() + " on " + input.device());
        }
    }
}
