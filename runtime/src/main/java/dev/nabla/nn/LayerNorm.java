package dev.nabla.nn;

import dev.nabla.Tensor;
import java.util.Arrays;

/**
 * Layer normalisation over the trailing dimensions, PyTorch's {@code nn.LayerNorm} with
 * {@code eps=1e-5} and a learned elementwise affine map: {@code weight} (ones at first) and
 * {@code bias} (zeros at first), both of shape {@code normalizedShape}. Input
 * {@code [*, normalizedShape...]}; the output has the input's shape (see {@link Functional#layerNorm}).
 */
public final class LayerNorm extends UnaryModule {
    private static final double EPS = 1e-5;

    private final long[] normalizedShape;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Normalisation over trailing dimensions of sizes {@code normalizedShape}.
     *
     * @throws IllegalArgumentException if no dimension is given or a size is negative
     */
    public LayerNorm(long... normalizedShape) {
        if (normalizedShape == null || normalizedShape.length == 0) {
            throw new IllegalArgumentException("LayerNorm: normalizedShape must have at least one dimension");
        }
        for (long s : normalizedShape) {
            if (s < 0) {
                throw new IllegalArgumentException("LayerNorm: sizes must be non-negative, got "
                        + Arrays.toString(normalizedShape));
            }
        }
        this.normalizedShape = normalizedShape.clone();
        this.weight = new Parameter(Tensor.ones(normalizedShape));
        this.bias = new Parameter(Tensor.zeros(normalizedShape));
    }

    /** The sizes of the normalised trailing dimensions (a copy). */
    public long[] normalizedShape() {
        return normalizedShape.clone();
    }

    /** The scale, {@code normalizedShape}. */
    public Parameter weight() {
        return weight;
    }

    /** The shift, {@code normalizedShape}. */
    public Parameter bias() {
        return bias;
    }

    /**
     * The input normalised over its trailing dimensions, scaled and shifted.
     *
     * @throws IllegalArgumentException if the input's trailing dimensions are not {@code normalizedShape},
     *     or its dtype or device differs from the parameters'
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.layerNorm(input, normalizedShape, weight(), bias(), EPS);
    }

    /** {@code (16,), eps=1e-05, elementwise_affine=True}, as PyTorch prints it. */
    @Override
    public String extraRepr() {
        return Repr.pythonTuple(normalizedShape) + ", eps=" + Repr.pythonFloat(EPS) + ", elementwise_affine=True";
    }
}
