package dev.nabla.samples.seed003;

import dev.nabla.Tensor;
import dev.nabla.nn.Parameter;
import dev.nabla.nn.UnaryModule;

/**
 * Seed 003's custom module {@code LinearModule}: {@code x W^T + b} with its own parameters
 * {@code weights} and {@code bias}, drawn from N(0, 1) as the post's {@code torch.randn}.
 * It prints as {@code LinearModule()}: the post defines no {@code extra_repr}.
 */
public final class LinearModule extends UnaryModule {
    private final Parameter weights;
    private final Parameter bias;

    /** A layer from {@code inFeatures} to {@code outFeatures} features. */
    public LinearModule(long inFeatures, long outFeatures) {
        this.weights = new Parameter(Tensor.randn(outFeatures, inFeatures));
        this.bias = new Parameter(Tensor.randn(outFeatures));
    }

    /** The weights, {@code [outFeatures, inFeatures]}. */
    public Parameter weights() {
        return weights;
    }

    /** The bias, {@code [outFeatures]}. */
    public Parameter bias() {
        return bias;
    }

    /**
     * {@code torch.matmul(x, self.weights.t()) + self.bias}.
     *
     * @param x {@code [..., inFeatures]}
     * @return {@code [..., outFeatures]}
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.matmul(weights.t()).add(bias);
    }
}
