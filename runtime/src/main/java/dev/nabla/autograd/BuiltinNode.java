package dev.nabla.autograd;

import dev.nabla.Tensor;

/**
 * The backward node of a built-in op: a derivative formula over the incoming gradient and the
 * tensors the forward saved. Formulas are written with differentiable tensor ops, so that
 * with {@code createGraph} they are themselves recorded and second derivatives work. The
 * runtime's ops create these; a user's op extends {@link Function} instead.
 */
public final class BuiltinNode extends Node {
    /** A derivative formula: the input gradients (null where not needed) from the output gradient. */
    @FunctionalInterface
    public interface Derivative {
        /**
         * The input gradients.
         *
         * @param node the node, to ask which inputs need a gradient ({@link BuiltinNode#needs})
         * @param grad the gradient of the op's output
         * @param saved the tensors the forward saved, checked to be unmodified
         * @return one gradient per input, null where none is needed
         */
        Tensor[] apply(BuiltinNode node, Tensor grad, Tensor[] saved);
    }

    /** Names for error messages, built once: a node is created on every recorded op. */
    private static final String[] SAVED_NAMES = {"saved tensor 0", "saved tensor 1", "saved tensor 2", "saved tensor 3"};

    private final Derivative derivative;
    private final SavedTensor[] saved;

    /**
     * A node for one call of a built-in op.
     *
     * @param name the node's name, as PyTorch's ({@code MulBackward0})
     * @param inputs the op's tensor inputs, nulls allowed; an edge is recorded for each that requires grad
     * @param toSave the tensors the derivative reads, or null; version-checked when read
     * @param derivative the derivative formula
     */
    public BuiltinNode(String name, Tensor[] inputs, Tensor[] toSave, Derivative derivative) {
        super(name, inputs);
        this.derivative = derivative;
        if (toSave == null || toSave.length == 0) {
            this.saved = NOTHING_SAVED;
        } else {
            this.saved = new SavedTensor[toSave.length];
            for (int i = 0; i < toSave.length; i++) {
                saved[i] = SavedTensor.save(toSave[i], i < SAVED_NAMES.length ? SAVED_NAMES[i] : "saved tensor " + i);
            }
        }
    }

    @Override
    protected Tensor[] apply(Tensor[] gradOutputs) {
        Tensor[] values = new Tensor[saved.length];
        for (int i = 0; i < saved.length; i++) {
            values[i] = saved[i].get(this);
        }
        return derivative.apply(this, gradOutputs[0], values);
    }

    /** A built-in derivative only computes from the gradient and the saved tensors. */
    @Override
    boolean keepsNoGradients() {
        return true;
    }

    @Override
    SavedTensor[] savedTensors() {
        return saved;
    }

    @Override
    protected void release() {
        for (SavedTensor s : saved) {
            s.release();
        }
    }

    /** Shorthand for {@link #needsInputGrad}. */
    public boolean needs(int i) {
        return needsInputGrad(i);
    }

    /**
     * Makes {@code out} this node's output: it now requires grad and is not a leaf.
     *
     * @return {@code out}
     */
    public Tensor record(Tensor out) {
        setHistory(out, this, 0);
        return out;
    }
}
