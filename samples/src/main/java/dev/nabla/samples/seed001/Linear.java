package dev.nabla.samples.seed001;

import dev.nabla.Tensor;
import dev.nabla.nn.Init;
import dev.nabla.nn.Parameter;
import dev.nabla.nn.UnaryModule;
import dev.nabla.samples.ops.LinearOpFunction;

/**
 * Seed 001's {@code Linear} module: a weight and an optional bias as parameters, and a forward
 * that is the custom op {@link dev.nabla.samples.ops.LinearOp} (the post's
 * {@code LinearFunction}). No backward is written here: the op's generated function records it.
 *
 * <p>It prints as PyTorch prints the post's module, through {@link #extraRepr()}:
 * {@code Linear(input_features=20, output_features=30, bias=True)}.
 */
public final class Linear extends UnaryModule {
    // Plain values, not parameters: like the post's plain attributes, they are not in the state dict.
    private final long inputFeatures;
    private final long outputFeatures;

    private final Parameter weight;
    /**
     * Null for a layer without bias. A null parameter field is the post's
     * {@code register_parameter('bias', None)}: an optional parameter that is registered but
     * absent, so it appears in no listing and no state dict.
     */
    private final Parameter bias;

    /**
     * A layer from {@code inputFeatures} to {@code outputFeatures} features, its weight and bias
     * drawn from U(-0.1, 0.1) as in the post ("not a very smart way to initialize weights").
     *
     * @param bias whether to learn a bias
     */
    public Linear(long inputFeatures, long outputFeatures, boolean bias) {
        this.inputFeatures = inputFeatures;
        this.outputFeatures = outputFeatures;
        this.weight = new Parameter(Tensor.zeros(outputFeatures, inputFeatures));
        this.bias = bias ? new Parameter(Tensor.zeros(outputFeatures)) : null;
        Init.uniform_(this.weight, -0.1, 0.1);
        if (this.bias != null) {
            Init.uniform_(this.bias, -0.1, 0.1);
        }
    }

    /** A layer with a bias, as the post's default {@code bias=True}. */
    public Linear(long inputFeatures, long outputFeatures) {
        this(inputFeatures, outputFeatures, true);
    }

    /** The weight, {@code [outputFeatures, inputFeatures]}. */
    public Parameter weight() {
        return weight;
    }

    /** The bias, {@code [outputFeatures]}, or null for a layer without one. */
    public Parameter bias() {
        return bias;
    }

    /**
     * {@code input.mm(weight.t()) + bias} through the custom op.
     *
     * @param input {@code [n, inputFeatures]}
     * @return {@code [n, outputFeatures]}, whose {@code grad_fn} is {@code LinearOpBackward}
     * @throws IllegalArgumentException if {@code input}'s shape does not fit the weight
     */
    @Override
    public Tensor forward(Tensor input) {
        return LinearOpFunction.apply(input, weight, bias);
    }

    /** {@code input_features=20, output_features=30, bias=True}, Python's spelling of the boolean included. */
    @Override
    public String extraRepr() {
        return "input_features=" + inputFeatures + ", output_features=" + outputFeatures + ", bias="
                + (bias != null ? "True" : "False");
    }
}
