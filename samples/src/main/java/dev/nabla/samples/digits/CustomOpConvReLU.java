package dev.nabla.samples.digits;

import dev.nabla.Tensor;
import dev.nabla.nn.Init;
import dev.nabla.nn.Parameter;
import dev.nabla.nn.UnaryModule;
import dev.nabla.samples.ops.ConvReLUFunction;

/**
 * A 3x3 convolution with "same" padding followed by ReLU, whose math is the DSL op
 * {@link dev.nabla.samples.ops.ConvReLU}: {@code [n, in, h, w]} to {@code [n, out, h, w]},
 * initialised as {@code nn.Conv2d} is.
 */
public final class CustomOpConvReLU extends UnaryModule {
    private final long inChannels;
    private final long outChannels;
    private final Parameter weight;
    private final Parameter bias;

    /** A layer from {@code inChannels} to {@code outChannels} channels, with a bias. */
    public CustomOpConvReLU(long inChannels, long outChannels) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.weight = new Parameter(Tensor.zeros(outChannels, inChannels, 3, 3));
        this.bias = new Parameter(Tensor.zeros(outChannels));
        Init.kaimingUniform_(weight, Math.sqrt(5), Init.FanMode.FAN_IN, Init.Nonlinearity.LEAKY_RELU);
        double bound = 1 / Math.sqrt(inChannels * 9.0);
        Init.uniform_(bias, -bound, bound);
    }

    /** {@code input [n, in, h, w]} to {@code [n, out, h, w]}. */
    @Override
    public Tensor forward(Tensor input) {
        return ConvReLUFunction.apply(input, weight, bias);
    }

    @Override
    public String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)";
    }
}
