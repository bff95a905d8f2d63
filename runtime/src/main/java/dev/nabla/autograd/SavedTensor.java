package dev.nabla.autograd;

import dev.nabla.Tensor;
import dev.nabla.internal.Shapes;

/**
 * A tensor kept by a graph node for its backward, with the version its storage had when it
 * was saved (PyTorch's {@code SavedVariable}). Reading it after an in-place change, or after
 * the graph was freed by a backward without {@code retainGraph}, is a clear error.
 */
public final class SavedTensor {
    static final String ERR_BACKWARD_TWICE = "Trying to backward through the graph a second time (or directly access "
            + "saved tensors after they have already been freed). Saved intermediate values of the graph are freed when "
            + "you call backward() or Autograd.grad(). Specify retainGraph=true if you need to backward through the graph "
            + "a second time or if you need to access saved tensors after calling backward.";

    /** Null once released (or when null was saved); read once per {@link #get}, as another run may release it meanwhile. */
    private Tensor tensor;
    private final boolean savedNull;
    private final int version;
    private final String name;
    private boolean released;

    private SavedTensor(Tensor tensor, String name) {
        this.tensor = tensor;
        this.savedNull = tensor == null;
        this.version = tensor == null ? 0 : tensor.version();
        this.name = name;
    }

    /** Saves {@code tensor} (which may be null) under {@code name}, used in error messages. */
    public static SavedTensor save(Tensor tensor, String name) {
        return new SavedTensor(tensor, name);
    }

    /**
     * The saved tensor, checked to be unmodified.
     *
     * @param node the node reading it, named in errors
     * @throws IllegalStateException if it was modified in place or already released
     */
    public Tensor get(Node node) {
        Tensor tensor = this.tensor;
        if (released || (tensor == null && !savedNull)) {
            throw new IllegalStateException(node.name() + ": " + ERR_BACKWARD_TWICE);
        }
        if (tensor != null && tensor.version() != version) {
            throw new IllegalStateException("one of the variables needed for gradient computation has been modified by an "
                    + "inplace operation: the tensor '" + name + "' of shape " + Shapes.format(tensor.shape())
                    + " and dtype " + tensor.dtype().torchName() + " saved by " + node.name() + " is at version "
                    + tensor.version() + "; expected version " + version + " instead. Hint: the op that modified it "
                    + "in place ran after " + node.name() + "'s forward; use an out-of-place op or clone() it first.");
        }
        return tensor;
    }

    /** The version the tensor had when saved. */
    public int savedVersion() {
        return version;
    }

    /** The name given when saved, as errors show it. */
    public String name() {
        return name;
    }

    /** The tensor's version now, or the saved version once released (or when the tensor is null). */
    public int currentVersion() {
        return tensor == null ? version : tensor.version();
    }

    /** Whether the tensor was modified in place since it was saved; false once released. */
    public boolean isModified() {
        return tensor != null && tensor.version() != version;
    }

    /** Drops the reference so the memory can be reclaimed; later reads fail. */
    public void release() {
        released = true;
        tensor = null;
    }
}
