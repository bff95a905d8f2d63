package dev.nabla.autograd;

import dev.nabla.Tensor;
import dev.nabla.internal.Shapes;
import java.util.List;

/**
 * A tensor kept by a graph node for its backward, with the version its storage had when it
 * was saved (PyTorch's {@code SavedVariable}). Reading it after an in-place change, or after
 * the graph was freed by a backward without {@code retainGraph}, is a clear error.
 *
 * <p>Inside a {@link Checkpoint} segment's forward, a saved tensor keeps nothing but its
 * place in the segment: the first read recomputes the segment and returns the tensor
 * saved at the same place then.
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
    /** The checkpoint segment that recomputes this tensor, or null when the tensor itself is kept. */
    private final CheckpointFrame frame;
    /** This tensor's place among the tensors {@link #frame}'s segment saves. */
    private final int index;

    private SavedTensor(Tensor tensor, String name, CheckpointFrame frame, int index) {
        this.tensor = tensor;
        this.savedNull = tensor == null && frame == null;
        this.version = tensor == null ? 0 : tensor.version();
        this.name = name;
        this.frame = frame;
        this.index = index;
    }

    /** Saves {@code tensor} (which may be null) under {@code name}, used in error messages. */
    public static SavedTensor save(Tensor tensor, String name) {
        CheckpointFrame frame = tensor == null ? null : CheckpointFrame.current();
        int index = frame == null ? -1 : frame.track(tensor);
        return index < 0 ? new SavedTensor(tensor, name, null, -1) : new SavedTensor(null, name, frame, index);
    }

    /**
     * The saved tensor, checked to be unmodified.
     *
     * @param node the node reading it, named in errors
     * @throws IllegalStateException if it was modified in place or already released
     */
    public Tensor get(Node node) {
        if (frame != null) {
            if (released) {
                throw new IllegalStateException(node.name() + ": " + ERR_BACKWARD_TWICE);
            }
            return frame.unpack(index, node);
        }
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
        if (frame != null) {
            frame.release(index);
        }
    }

    /** The tensors this keeps alive: the saved one, or the inputs (and recomputed tensors) of its checkpoint segment. */
    List<Tensor> held() {
        if (frame != null) {
            return frame.held();
        }
        Tensor t = tensor;
        return t == null ? List.of() : List.of(t);
    }
}
