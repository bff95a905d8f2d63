package dev.nabla.autograd;

import dev.nabla.Grad;
import dev.nabla.SavedTensor;
import dev.nabla.Tensor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A differentiable op written by hand: PyTorch's {@code torch.autograd.Function}, and the
 * base class of every op the annotation processor generates.
 *
 * <p>An instance is one call: it is the context ({@code ctx}) that carries what the forward
 * saves to the backward, so create a new instance for every {@link #apply}. Non-tensor
 * arguments go to the constructor. A subclass implements {@link #forward}, which runs with
 * grad disabled, and {@link #backward}, which returns one gradient per input (null for an
 * input that needs none):
 *
 * <pre>{@code
 * final class MyReLU extends Function {
 *     protected Tensor[] forward(Tensor[] in) {
 *         saveForBackward(in[0]);
 *         return new Tensor[] {in[0].clampMin(0)};
 *     }
 *     protected Tensor[] backward(Tensor[] grad) {
 *         Tensor x = savedTensors()[0];
 *         return new Tensor[] {grad[0].maskedFill(x.lt(0), 0)};
 *     }
 * }
 * Tensor y = new MyReLU().apply(x)[0];
 * }</pre>
 *
 * <p>No graph node is built when no input requires grad (or grad mode is off). The engine
 * checks the count, shape, dtype and device of the gradients {@link #backward} returns.
 */
public abstract class Function {
    private static final Tensor[] NONE = new Tensor[0];

    private boolean applied;
    private boolean[] needsInputGrad;
    private SavedTensor[] saved = new SavedTensor[0];
    private Set<Tensor> dirty = Collections.emptySet();
    private Set<Tensor> nonDifferentiable = Collections.emptySet();
    private boolean materializeGrads = true;
    private boolean onceDifferentiable;

    /** Computes the outputs from the inputs (nulls allowed for absent optional tensors). Grad is disabled here. */
    protected abstract Tensor[] forward(Tensor[] inputs);

    /**
     * Computes one gradient per input from one gradient per output.
     *
     * @param gradOutputs the gradients of the outputs; with {@link #setMaterializeGrads}{@code (false)}
     *     an output that received no gradient gets null instead of zeros
     */
    protected abstract Tensor[] backward(Tensor[] gradOutputs);

    /** The name of the backward node, shown as {@code grad_fn=<...>}; by default the class name plus {@code Backward}. */
    public String name() {
        return getClass().getSimpleName() + "Backward";
    }

    /**
     * Runs the op: forward, then (when an input requires grad and grad mode is on) the graph node.
     *
     * @return the outputs of {@link #forward}
     * @throws IllegalStateException if this instance was already applied
     */
    public final Tensor[] apply(Tensor... inputs) {
        if (applied) {
            throw new IllegalStateException(name() + ": a Function instance is the context of one call; create a new"
                    + " instance for every apply()");
        }
        applied = true;
        boolean grad = Grad.isEnabled();
        boolean any = false;
        needsInputGrad = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            needsInputGrad[i] = grad && inputs[i] != null && inputs[i].requiresGrad();
            any |= needsInputGrad[i];
        }
        Tensor[] outputs;
        try (Grad.Scope off = Grad.disabled()) {
            outputs = forward(inputs);
        }
        if (outputs == null) {
            throw new IllegalStateException(name() + ": forward returned null; return an array of output tensors");
        }
        for (int i = 0; i < outputs.length; i++) {
            if (outputs[i] == null) {
                throw new IllegalStateException(name() + ": forward returned null as output " + i);
            }
        }
        if (!any) {
            return outputs;
        }
        return FunctionNode.connect(this, inputs, outputs);
    }

    // ---------------------------------------------------------------- the context

    /** Whether input {@code i} needs a gradient ({@code ctx.needs_input_grad[i]}). */
    protected final boolean needsInputGrad(int i) {
        return needsInputGrad[i];
    }

    /** Keeps tensors for backward ({@code ctx.save_for_backward}); they are version-checked when read. */
    protected final void saveForBackward(Tensor... tensors) {
        saved = new SavedTensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            saved[i] = SavedTensor.save(tensors[i], name() + " saved tensor " + i);
        }
    }

    /**
     * The tensors given to {@link #saveForBackward}, in order ({@code ctx.saved_tensors}).
     *
     * @throws IllegalStateException if one was modified in place since, or the graph was freed
     */
    protected final Tensor[] savedTensors() {
        Tensor[] out = new Tensor[saved.length];
        for (int i = 0; i < saved.length; i++) {
            out[i] = saved[i].get(node);
        }
        return out;
    }

    /** Declares inputs that forward modified in place and returns ({@code ctx.mark_dirty}). */
    protected final void markDirty(Tensor... tensors) {
        dirty = identitySet(tensors);
    }

    /** Declares outputs that have no gradient ({@code ctx.mark_non_differentiable}). */
    protected final void markNonDifferentiable(Tensor... tensors) {
        nonDifferentiable = identitySet(tensors);
    }

    /** With false, outputs that received no gradient reach backward as null ({@code ctx.set_materialize_grads}). */
    protected final void setMaterializeGrads(boolean materialize) {
        materializeGrads = materialize;
    }

    /** Declares that backward cannot itself be differentiated ({@code @once_differentiable}). */
    protected final void setOnceDifferentiable(boolean once) {
        onceDifferentiable = once;
    }

    private static Set<Tensor> identitySet(Tensor[] tensors) {
        Set<Tensor> set = Collections.newSetFromMap(new IdentityHashMap<>());
        Collections.addAll(set, tensors);
        return set;
    }

    // ---------------------------------------------------------------- for FunctionNode

    private FunctionNode node;

    void attach(FunctionNode node) {
        this.node = node;
    }

    boolean isDirty(Tensor t) {
        return dirty.contains(t);
    }

    boolean isNonDifferentiable(Tensor t) {
        return nonDifferentiable.contains(t);
    }

    boolean materializeGrads() {
        return materializeGrads;
    }

    boolean onceDifferentiable() {
        return onceDifferentiable;
    }

    Tensor[] runBackward(Tensor[] gradOutputs) {
        Tensor[] result = backward(gradOutputs);
        return result == null ? NONE : result;
    }

    void releaseSaved() {
        for (SavedTensor s : saved) {
            s.release();
        }
    }
}
