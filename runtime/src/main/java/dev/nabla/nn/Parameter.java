package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * A tensor that is a learnable weight of a {@link Module}: PyTorch's {@code nn.Parameter}.
 *
 * <p>A parameter is a {@link Tensor} (use it wherever one is expected) and a leaf of the graph
 * that requires grad by default. Assigned to a field of a module, or given to
 * {@link Module#registerParameter}, it appears in {@link Module#parameters()} and in the
 * module's {@link Module#stateDict()}.
 *
 * <pre>{@code
 * Parameter weight = new Parameter(Tensor.randn(outFeatures, inFeatures));
 * }</pre>
 */
public final class Parameter extends Tensor {
    /**
     * A parameter over {@code data}'s elements (shared, not copied) that requires grad. Any
     * autograd history of {@code data} is dropped: the parameter is a leaf.
     *
     * @throws IllegalStateException if {@code data} is not floating point (only those can require grad)
     */
    public Parameter(Tensor data) {
        this(data, true);
    }

    /**
     * A parameter over {@code data}'s elements (shared, not copied).
     *
     * @param requiresGrad whether gradients flow to it; a frozen parameter passes false
     * @throws IllegalStateException if {@code requiresGrad} and {@code data} is not floating point
     */
    public Parameter(Tensor data, boolean requiresGrad) {
        super(data);
        requiresGrad(requiresGrad);
    }

    /** The parameter as PyTorch prints it: {@code Parameter containing:} and the tensor on the next line. */
    @Override
    public String toString() {
        return "Parameter containing:\n" + super.toString();
    }
}
