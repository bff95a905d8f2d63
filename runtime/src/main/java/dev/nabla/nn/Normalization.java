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
        long rows = 1;
        for (int i = 0; i < shape.length - k; i++) {
            rows *= shape[i];
        }
        // Normalised over one flattened last dimension, as rows of a matrix.
        Tensor y = new LayerNormFunction(eps).apply(input.reshape(rows, m),
                weight == null ? null : weight.reshape(m), bias == null ? null : bias.reshape(m))[0];
        return y.reshape(shape);
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
