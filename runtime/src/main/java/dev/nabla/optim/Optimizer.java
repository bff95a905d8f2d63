package dev.nabla.optim;

import dev.nabla.Grad;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

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
 *
 * <p>Note [State dict layout]: {@link #stateDict()} flattens PyTorch's
 * {@code optimizer.state_dict()} into tensors by dotted key, so that it fits a safetensors file.
 * Parameters are numbered across all groups in order from 0, as PyTorch numbers them.
 * {@code state.<n>.<name>} holds the state of parameter {@code n} once it has any (SGD's
 * {@code momentum_buffer}; Adam's and AdamW's {@code step}, {@code exp_avg},
 * {@code exp_avg_sq} and, with AMSGrad, {@code max_exp_avg_sq}), and
 * {@code param_groups.<g>.<name>} the hyperparameters of group {@code g} under PyTorch's names
 * ({@code lr}, {@code momentum}, {@code betas}, {@code weight_decay}, ...) plus
 * {@code param_groups.<g>.params}, the numbers of its parameters. Real numbers are
 * 0-dimensional FLOAT64 tensors (a scheduled learning rate survives bit for bit), flags BOOL,
 * {@code betas} a FLOAT64 pair, {@code step} a FLOAT64 count.
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
        return addGroup(params, lr, Double.NaN, Double.POSITIVE_INFINITY);
    }

    /**
     * Adds a group with a momentum term ({@link ParamGroup#momentum()}), or none if
     * {@code momentum} is NaN, below {@code momentumBelow}.
     */
    final ParamGroup addGroup(Iterable<? extends Tensor> params, double lr, double momentum, double momentumBelow) {
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
        ParamGroup group = new ParamGroup(list, lr, momentum, momentumBelow);
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
     * The optimizer's state and hyperparameters as tensors by key, laid out as Note [State dict
     * layout] says (e.g. {@code state.0.exp_avg}, {@code param_groups.0.lr}); pass it to
     * {@code SafeTensors.save} to checkpoint, and to {@link #loadStateDict} to resume. The
     * per-parameter state tensors are the optimizer's own, detached (as {@code Module.stateDict}'s
     * parameters are): the next {@link #step()} changes them, so save or clone them first.
     * A subclass outside this package contributes its groups' learning rate and momentum only.
     *
     * @return a new map, state first, then the groups, in parameter and group order
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        int id = 0;
        for (int g = 0; g < groups.size(); g++) {
            for (int i = 0; i < groups.get(g).params().size(); i++, id++) {
                String prefix = "state." + id + ".";
                writeState(g, i, (name, t) -> out.put(prefix + name, t.detach()));
            }
        }
        id = 0;
        for (int g = 0; g < groups.size(); g++) {
            String prefix = "param_groups." + g + ".";
            writeHyperparameters(g, (name, t) -> out.put(prefix + name, t));
            long[] ids = new long[groups.get(g).params().size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = id++;
            }
            out.put(prefix + "params", Tensor.of(ids));
        }
        return out;
    }

    /**
     * Restores state and hyperparameters saved by {@link #stateDict()} (possibly through a
     * safetensors file) into this optimizer, which must have been built over the same
     * parameters in the same groups; as PyTorch's, the saved parameters are matched to this
     * optimizer's by position, and every hyperparameter (learning rate, momentum, weight decay,
     * ...) takes the saved value. State tensors are copied onto their parameter's device.
     *
     * @throws IllegalArgumentException naming the key, if a key is missing or unexpected, a
     *     value has the wrong dtype or shape (state must match its parameter's), a
     *     hyperparameter is invalid, or the number of groups or of parameters in a group differs;
     *     everything is checked before anything changes, so the optimizer is then as it was
     */
    public final void loadStateDict(Map<String, ? extends Tensor> stateDict) {
        String owner = getClass().getSimpleName() + ".loadStateDict";
        StateDicts.Reader in = new StateDicts.Reader(owner, stateDict);
        int saved = 0;
        while (in.has("param_groups." + saved + ".params")) {
            saved++;
        }
        check(saved == groups.size(), owner + ": the state dict has " + saved + " parameter group(s) (keys"
                + " param_groups.<g>.params) but this optimizer has " + groups.size());
        long[][] ids = new long[groups.size()][];
        Set<Long> seen = new HashSet<>();
        for (int g = 0; g < groups.size(); g++) {
            String key = "param_groups." + g + ".params";
            ids[g] = in.integers(key);
            int size = groups.get(g).params().size();
            if (ids[g].length != size) {
                throw in.error(key, "lists " + ids[g].length + " parameter(s) but group " + g + " of this optimizer has "
                        + size);
            }
            for (long id : ids[g]) {
                if (id < 0 || !seen.add(id)) {
                    throw in.error(key, "holds the parameter number " + id + (id < 0 ? ", which is negative"
                            : ", which an earlier group or position already holds"));
                }
            }
        }
        Runnable apply = readState(in, ids);
        in.finish();
        apply.run();
    }

    /**
     * Writes the state of parameter {@code index} of group {@code group} by name (nothing before
     * its first update). The base writes nothing.
     */
    void writeState(int group, int index, BiConsumer<String, Tensor> out) {}

    /** Writes the hyperparameters of group {@code group} by PyTorch's names. The base writes lr and momentum. */
    void writeHyperparameters(int group, BiConsumer<String, Tensor> out) {
        ParamGroup g = groups.get(group);
        out.accept("lr", StateDicts.real(g.lr()));
        if (g.hasMomentum()) {
            out.accept("momentum", StateDicts.real(g.momentum()));
        }
    }

    /**
     * Reads and checks what {@link #writeState} and {@link #writeHyperparameters} wrote, changing
     * nothing, and returns what installs it; {@code ids[g][i]} is the saved number of parameter
     * {@code i} of group {@code g}, so its state is under {@code "state." + ids[g][i] + "."}.
     */
    Runnable readState(StateDicts.Reader in, long[][] ids) {
        double[] lr = new double[groups.size()];
        double[] momentum = new double[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            lr[g] = readLr(in, g);
            if (groups.get(g).hasMomentum()) {
                momentum[g] = in.real("param_groups." + g + ".momentum", m -> m >= 0, "a non-negative number");
            }
        }
        return () -> {
            for (int g = 0; g < groups.size(); g++) {
                groups.get(g).setLr(lr[g]);
                if (groups.get(g).hasMomentum()) {
                    groups.get(g).setMomentum(momentum[g]);
                }
            }
        };
    }

    /** Group {@code g}'s saved learning rate, checked. */
    static double readLr(StateDicts.Reader in, int g) {
        return in.real("param_groups." + g + ".lr", lr -> lr >= 0, "a non-negative learning rate");
    }

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
