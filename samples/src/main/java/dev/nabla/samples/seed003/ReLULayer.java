package dev.nabla.samples.seed003;

import dev.nabla.Tensor;
import dev.nabla.nn.UnaryModule;

/**
 * Seed 003's custom layer {@code ReLULayer}: {@code torch.max(x, torch.zeros_like(x))}, a ReLU
 * built from an existing differentiable op, so autograd derives its backward.
 *
 * <p>Where {@code x} is exactly 0 the two arguments of the maximum tie, and the gradient is
 * split between them as in PyTorch: half of it reaches {@code x}. (The hand-written
 * {@link dev.nabla.samples.ops.MyReLU} of seed 004 passes all of it.)
 */
public final class ReLULayer extends UnaryModule {
    /** The layer; it has no parameters. */
    public ReLULayer() {}

    /** {@code max(x, 0)} elementwise; the output has {@code x}'s shape. */
    @Override
    public Tensor forward(Tensor x) {
        return x.maximum(Tensor.zerosLike(x));
    }
}
