package dev.nabla.samples.digits;

import dev.nabla.Tensor;
import dev.nabla.nn.Init;
import dev.nabla.nn.Parameter;
import dev.nabla.nn.UnaryModule;
import dev.nabla.samples.ops.LinearOpFunction;

/**
 * A fully connected layer whose math is the DSL op {@link dev.nabla.samples.ops.LinearOp}
 * (seed 001's {@code LinearFunction}), initialised as {@code nn.Linear} is.
 */
public final class CustomOpLinear extends UnaryModule {
    private final long inFeatures;
    private final long outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    /** A layer from {@code inFeatures} to {@code outFeatures} with a bias. */
    public CustomOpLinear(long inFeatures, long outFeatures) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = new Parameter(Tensor.zeros(outFeatures, inFeatures));
        this.bias = new Parameter(Tensor.zeros(outFeatures));
        Init.kaimingUniform_(weight, Math.sqrt(5), Init.FanMode.FAN_IN, Init.Nonlinearity.LEAKY_RELU);
        double bound = 1 / Math.sqrt(inFeatures);
        Init.uniform_(bias, -bound, bound);
    }

    /** {@code input [n, in]} to {@code [n, out]}. */
    @Override
    public Tensor forward(Tensor input) {
        return LinearOpFunction.apply(input, weight, bias);
    }

    @Override
    public String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=True";
    }
}
