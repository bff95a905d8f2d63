package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * A module that maps one tensor to one tensor: layers, activations, whole feed-forward models.
 * Such modules chain in a {@link Sequential}. Subclasses implement {@link #forward(Tensor)}, and
 * callers call it directly ({@code model.forward(x)}, PyTorch's {@code model(x)}).
 *
 * <pre>{@code
 * final class ReLULayer extends UnaryModule {
 *     @Override
 *     public Tensor forward(Tensor x) {
 *         return x.maximum(Tensor.zerosLike(x));
 *     }
 * }
 * }</pre>
 */
public abstract class UnaryModule extends Module {
    /** A module with no members yet, in training mode. */
    protected UnaryModule() {}

    /**
     * Computes this module's output for {@code input}.
     *
     * @throws IllegalArgumentException if {@code input}'s shape, dtype or device does not suit the module
     */
    public abstract Tensor forward(Tensor input);
}
