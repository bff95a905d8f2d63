package dev.nabla.autograd;

import dev.nabla.Grad;
import dev.nabla.Tensor;

/**
 * The node at a leaf that requires grad: it adds the arriving gradient into the leaf's
 * {@link Tensor#grad()}, holding this node's lock (there is one per leaf) so that backward
 * runs on several threads into a shared leaf all add up (see Note [Reentrant backward]).
 * Then it runs the leaf's post-accumulate-grad hooks, outside the lock, so that a hook that
 * reads the gradient or starts work of its own cannot deadlock another run into the leaf.
 */
final class AccumulateGrad extends Node {
    /** A leaf has no inputs, so no gradients to return: one shared empty array, not one per backward. */
    private static final Tensor[] NO_GRADIENTS = new Tensor[0];

    private final AutogradMeta leaf;

    AccumulateGrad(AutogradMeta leaf) {
        super("AccumulateGrad", Long.MAX_VALUE);
        this.leaf = leaf;
    }

    /**
     * Without {@code createGraph} the leaf's gradient is a copy of the arriving one, or a sum
     * into which it was added: never the arriving tensor itself, which the engine may then free
     * (Note [Dead gradients] on {@link Engine}). With {@code createGraph} the leaf may keep it,
     * but then the engine frees nothing.
     */
    @Override
    boolean keepsNoGradients() {
        return true;
    }

    @Override
    protected Tensor[] apply(Tensor[] gradOutputs) {
        Tensor g = gradOutputs[0];
        if (g != null) {
            synchronized (this) {
                accumulate(g);
            }
            leaf.runPostAccumulateGradHooks();
        }
        return NO_GRADIENTS;
    }

    private void accumulate(Tensor g) {
        Tensor current = leaf.grad;
        if (Grad.isEnabled()) {
            // createGraph: the accumulated gradient stays differentiable.
            leaf.grad = current == null ? g : current.add(g);
        } else if (current == null) {
            // Own the gradient: an op's gradient may be shared with other leaves.
            leaf.grad = g.clone();
        } else if (current.isLeaf() && g.dtype() == current.dtype()) {
            current.add_(g);
        } else {
            leaf.grad = current.add(g);
        }
    }
}
