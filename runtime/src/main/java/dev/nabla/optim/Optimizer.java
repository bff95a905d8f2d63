package dev.nabla.optim;

import dev.nabla.Grad;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients: PyTorch's {@code torch.optim.Optimizer}.
 *
 * <p>An optimizer holds one or more {@link ParamGroup}s; the first comes from the constructor,
 * more from the subclass's {@code addParamGroup}. A training step is
 *
 * <pre>{@code
 * optimizer.zeroGrad();
 * loss(model.forward(x), y).backward();
 * optimizer.step();
 * }</pre>
 *
 * <p>{@link #step()} writes the parameters in place (bumping their versions) without recording
 * autograd, and skips parameters whose gradient is null. Per-parameter state (momentum, moment
 * estimates) is created at a parameter's first update. The optimizer keeps the parameter
 * objects it was given: move a model ({@code Module.to}) before creating its optimizer.
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups = new ArrayList<>();
    private final Map<Tensor, Boolean> all = new IdentityHashMap<>();

    /** An optimizer with no groups yet; subclass constructors add the first. */
    protected Optimizer() {}

    /**
     * Adds a group of parameters with learning rate {@code lr}.
     *
     * @return the new group
     * @throws IllegalArgumentException if {@code params} is empty, holds null, a non-leaf tensor or
     *     a tensor already in this optimizer
     */
    protected final ParamGroup addGroup(Iterable<? extends Tensor> params, double lr) {
        List<Tensor> list = new ArrayList<>();
        Map<Tensor, Boolean> added = new IdentityHashMap<>();
        for (Tensor p : params) {
            String which = getClass().getSimpleName() + ": parameter " + list.size() + " of group " + groups.size();
            check(p != null, which + " is null");
            if (!p.isLeaf()) {
                throw new IllegalArgumentException(which + " is not a leaf tensor (computed by " + p.gradFn().name()
                        + "); can't optimize a non-leaf tensor");
            }
            check(!all.containsKey(p) && added.put(p, Boolean.TRUE) == null,
                    which + " appears more than once in this optimizer; each parameter may be in one group only, once");
            list.add(p);
        }
        check(!list.isEmpty(), getClass().getSimpleName() + " got an empty parameter list");
        all.putAll(added);
        ParamGroup group = new ParamGroup(list, lr);
        groups.add(group);
        return group;
    }

    /** The parameter groups, in the order added (unmodifiable). */
    public final List<ParamGroup> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /** Updates every parameter that has a gradient, once. */
    public abstract void step();

    /**
     * Zeroes the gradient of every parameter in place, keeping the gradient tensors for the next
     * backward to accumulate into (PyTorch 1.13's default).
     */
    public void zeroGrad() {
        zeroGrad(false);
    }

    /**
     * Clears the gradient of every parameter.
     *
     * @param setToNone drop the gradients (then {@link Tensor#grad()} is null) instead of zeroing them
     */
    public void zeroGrad(boolean setToNone) {
        try (Grad.Scope off = Grad.disabled()) {
            for (ParamGroup group : groups) {
                for (Tensor p : group.params()) {
                    Tensor g = p.grad();
                    if (g == null) {
                        continue;
                    }
                    if (setToNone) {
                        p.setGrad(null);
                    } else {
                        // A gradient that is part of a graph (backward with createGraph) is detached
                        // first, so that zeroing it does not modify that graph.
                        if (!g.isLeaf()) {
                            g = g.detach();
                            p.setGrad(g);
                        }
                        g.zero_();
                    }
                }
            }
        }
    }

    /**
     * @throws IllegalArgumentException with {@code message} unless {@code condition}
     */
    static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
