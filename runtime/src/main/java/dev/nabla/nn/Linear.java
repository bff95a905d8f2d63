package dev.nabla.nn;

import dev.nabla.Tensor;
import java.util.Arrays;

/**
 * The affine map {@code y = x W^T + b}: PyTorch's {@code nn.Linear}.
 *
 * <p>Shapes: input {@code [..., inFeatures]}, output {@code [..., outFeatures]}; the weight is
 * {@code [outFeatures, inFeatures]} and the optional bias {@code [outFeatures]}, both FLOAT32,
 * initialised as PyTorch does: the weight by {@link Init#kaimingUniform_} with
 * {@code a = sqrt(5)}, and the bias uniformly on {@code (-1/sqrt(inFeatures), 1/sqrt(inFeatures))}
 * (so both lie within that bound), drawing from the generator {@link dev.nabla.Nabla#manualSeed}
 * seeds. A 2-D input takes one fused product-plus-bias step whose backward node prints as
 * PyTorch's {@code AddmmBackward0}.
 *
 * <p>Not final so that, as in PyTorch, {@link MultiheadAttention}'s output projection can be the
 * subclass PyTorch names {@code NonDynamicallyQuantizableLinear} in its printout.
 */
public class Linear extends UnaryModule {
    private final long inFeatures;
    private final long outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    /** A layer from {@code inFeatures} to {@code outFeatures} features, with a bias. */
    public Linear(long inFeatures, long outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    /**
     * A layer from {@code inFeatures} to {@code outFeatures} features.
     *
     * @param bias whether to add a learned bias; without one, {@link #bias()} is null
     * @throws IllegalArgumentException if a size is negative
     */
    public Linear(long inFeatures, long outFeatures, boolean bias) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: feature counts must be non-negative, got in_features="
                    + inFeatures + ", out_features=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = new Parameter(Tensor.zeros(outFeatures, inFeatures));
        this.bias = bias ? new Parameter(Tensor.zeros(outFeatures)) : null;
        resetParameters();
    }

    /** Re-draws the weight and bias with PyTorch's default initialisation (see the class comment). */
    public void resetParameters() {
        Init.kaimingUniform_(weight(), Math.sqrt(5), Init.FanMode.FAN_IN, Init.Nonlinearity.LEAKY_RELU);
        if (bias() != null) {
            double bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
            Init.uniform_(bias(), -bound, bound);
        }
    }

    /** The number of input features. */
    public long inFeatures() {
        return inFeatures;
    }

    /** The number of output features. */
    public long outFeatures() {
        return outFeatures;
    }

    /** The weight, {@code [outFeatures, inFeatures]}. */
    public Parameter weight() {
        return weight;
    }

    /** The bias, {@code [outFeatures]}, or null for a layer without one. */
    public Parameter bias() {
        return bias;
    }

    /**
     * {@code input W^T + b}.
     *
     * @throws IllegalArgumentException if {@code input} is 0-dimensional or its last dimension is
     *     not {@code inFeatures}, or its dtype or device differs from the weight's
     */
    @Override
    public Tensor forward(Tensor input) {
        Parameter w = weight();
        Parameter b = bias();
        if (input.dim() == 0 || input.size(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear: expected an input whose last dimension is in_features="
                    + inFeatures + ", got shape " + Arrays.toString(input.shape()));
        }
        return affine(input, w, b);
    }

    /**
     * {@code input W^T + b} for operands already checked. A 2-D input takes the fused
     * {@link AddmmFunction}; so does one of more dimensions with a bias, flattened to rows and
     * its result viewed back (PyTorch's {@code linear} does the same), which adds the bias in
     * place and sums its gradient directly instead of through a broadcast addition; a 1-D input
     * and a product without bias take {@code matmul}, which folds the batch itself.
     */
    static Tensor affine(Tensor input, Tensor weight, Tensor bias) {
        if (input.dim() == 2) {
            return bias == null ? input.mm(weight.t()) : new AddmmFunction().apply(input, weight, bias)[0];
        }
        if (input.dim() > 2 && bias != null) {
            long[] shape = input.shape();
            Tensor rows = input.reshape(-1, shape[shape.length - 1]);
            shape[shape.length - 1] = weight.size(0);
            return new AddmmFunction().apply(rows, weight, bias)[0].reshape(shape);
        }
        Tensor out = input.matmul(weight.t());
        return bias == null ? out : out.add(bias);
    }

    /** {@code in_features=64, out_features=256, bias=True}, as PyTorch prints it. */
    @Override
    public String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias() != null ? "True" : "False");
    }
}
