package dev.nabla.autograd;

import dev.nabla.Tensor;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tensor's autograd state, one small object per tensor that takes part in autograd (PyTorch's
 * {@code AutogradMeta}); a tensor that never required grad and was never computed from one
 * has none. {@link Tensor} reads it through its autograd methods; the engine and the graph
 * reach it through {@link dev.nabla.internal.TensorAccess}. Not for use outside the runtime.
 */
public final class AutogradMeta {
    /** Set on leaves by {@code requiresGrad(true)}; a non-leaf requires grad through {@link #gradFn}. */
    boolean requiresGrad;
    /** The accumulated gradient of a leaf; written under the {@link AccumulateGrad} lock. */
    volatile Tensor grad;
    /** The node that computed the tensor, or null for a leaf. */
    Node gradFn;
    /** Which output of {@link #gradFn} the tensor is. */
    int outputNr;
    /** The forward-mode tangent, seen only while {@link #tangentLevel} is the thread's open level. */
    Tensor tangent;
    /** The level {@link #tangent} belongs to. */
    ForwardAD.DualLevel tangentLevel;
    /**
     * Run after each accumulation into {@link #grad}; copy-on-write because a hook may be
     * registered or removed while another thread's backward runs the list.
     */
    private final CopyOnWriteArrayList<Runnable> postAccumulateGradHooks = new CopyOnWriteArrayList<>();
    /** Read without a lock on every recorded op; created under this object's lock, once. */
    private volatile AccumulateGrad accumulator;

    AutogradMeta() {}

    /** State for a leaf that does not require grad yet. */
    public static AutogradMeta leaf() {
        return new AutogradMeta();
    }

    /** Whether gradients flow to the tensor: a leaf marked so, or the result of a recorded op. */
    public boolean requiresGrad() {
        return requiresGrad || gradFn != null;
    }

    /** Marks a leaf as needing a gradient (or not); the caller checked that it is a floating leaf. */
    public void setRequiresGrad(boolean requiresGrad) {
        this.requiresGrad = requiresGrad;
    }

    /** The accumulated gradient, or null. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the accumulated gradient; the caller checked its shape, dtype and device. */
    public void setGrad(Tensor grad) {
        this.grad = grad;
    }

    /** The node that computed the tensor, or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    /**
     * Adds a hook run after each accumulation into this leaf's gradient; the caller checked
     * that the tensor is a leaf.
     *
     * @return a handle whose {@link RemovableHandle#remove} takes the hook out again
     */
    public RemovableHandle addPostAccumulateGradHook(Runnable hook) {
        postAccumulateGradHooks.add(hook);
        return () -> postAccumulateGradHooks.remove(hook);
    }

    /** Runs the hooks of {@link #addPostAccumulateGradHook}, in the order they were added. */
    void runPostAccumulateGradHooks() {
        for (Runnable hook : postAccumulateGradHooks) {
            hook.run();
        }
    }

    /** The node an edge to {@code tensor} leads to: its {@link #gradFn}, or its leaf's accumulator. */
    Node node() {
        return gradFn != null ? gradFn : accumulator();
    }

    /** Which of {@link #node}'s outputs the tensor is. */
    int slot() {
        return gradFn != null ? outputNr : 0;
    }

    /** The node that adds gradients into this leaf; one per leaf, so that paths to it merge. */
    AccumulateGrad accumulator() {
        AccumulateGrad a = accumulator;
        if (a == null) {
            synchronized (this) {
                a = accumulator;
                if (a == null) {
                    a = new AccumulateGrad(this);
                    accumulator = a;
                }
            }
        }
        return a;
    }
}
