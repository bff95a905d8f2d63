package dev.nabla.optim;

import dev.nabla.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes the learning rate of an optimizer's groups from step to step: PyTorch 1.13's
 * {@code torch.optim.lr_scheduler._LRScheduler}, with the same values. Creating a scheduler
 * already applies its first value (epoch 0), as PyTorch's does; then call {@link #step()} once
 * after each {@link Optimizer#step()}:
 *
 * <pre>{@code
 * var scheduler = new CosineAnnealingLR(optimizer, 100, 0);
 * for (...) {
 *     optimizer.zeroGrad();
 *     loss.backward();
 *     optimizer.step();
 *     scheduler.step();
 * }
 * }</pre>
 *
 * <p>Each group's base learning rate is PyTorch's {@code initial_lr}: the group's learning rate
 * when the first scheduler was attached to it, so that a second scheduler on the same
 * optimizer starts from the same base. The groups are those the optimizer had at construction.
 * Most schedules are recursive, as PyTorch's: each value is computed from the group's current
 * learning rate, which is why {@link Optimizer#stateDict()} keeps it bit for bit.
 */
public abstract sealed class LRScheduler permits StepLR, CosineAnnealingLR, LinearLR, OneCycleLR {
    /** The groups scheduled, as the optimizer had them at construction. */
    final List<ParamGroup> groups;
    /** PyTorch's {@code base_lrs}, one per group. */
    double[] baseLrs;
    /** PyTorch's {@code last_epoch}: the number of steps taken, counting the one at construction from 0. */
    long lastEpoch = -1;
    private double[] lastLr;

    /**
     * @param initialLrs the groups' base learning rates, which are set on the groups; or null to
     *     take them from the groups (their learning rate, unless an earlier scheduler set one)
     */
    LRScheduler(Optimizer optimizer, double[] initialLrs) {
        if (optimizer == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the optimizer is null");
        }
        groups = List.copyOf(optimizer.paramGroups());
        baseLrs = new double[groups.size()];
        for (int g = 0; g < baseLrs.length; g++) {
            ParamGroup group = groups.get(g);
            if (initialLrs != null) {
                group.setInitialLr(initialLrs[g]);
            } else if (Double.isNaN(group.initialLr())) {
                group.setInitialLr(group.lr());
            }
            baseLrs[g] = group.initialLr();
        }
    }

    /**
     * Moves to the next epoch (or step) and sets each group's learning rate for it.
     *
     * @throws IllegalStateException if the schedule has no value for it ({@link OneCycleLR} past
     *     its total steps); nothing changes then
     */
    public final void step() {
        double[] lrs = computeLr(lastEpoch + 1);
        lastEpoch++;
        for (int g = 0; g < lrs.length; g++) {
            groups.get(g).setLr(lrs[g]);
        }
        lastLr = lrs;
    }

    /** The learning rate of each group as this scheduler last set it (PyTorch's {@code get_last_lr()}). */
    public final double[] lastLr() {
        return lastLr.clone();
    }

    /**
     * The scheduler's state as tensors by key, in the layout of {@link Optimizer#stateDict()}:
     * PyTorch's {@code last_epoch} (INT64), {@code base_lrs} and {@code _last_lr} (FLOAT64, one
     * per group), then the schedule's settings under PyTorch's names (e.g. {@code step_size},
     * {@code gamma}).
     *
     * @return a new map
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("last_epoch", StateDicts.integer(lastEpoch));
        out.put("base_lrs", StateDicts.reals(baseLrs));
        out.put("_last_lr", StateDicts.reals(lastLr));
        writeSettings(out);
        return out;
    }

    /**
     * Restores state saved by {@link #stateDict()}, settings included. Restore the optimizer's
     * state too ({@link Optimizer#loadStateDict}): the groups' learning rates live there.
     *
     * @throws IllegalArgumentException naming the key, if a key is missing or unexpected, or a
     *     value has the wrong dtype or shape (one entry per group) or is invalid; everything is
     *     checked before anything changes
     */
    public final void loadStateDict(Map<String, ? extends Tensor> stateDict) {
        StateDicts.Reader in = new StateDicts.Reader(getClass().getSimpleName() + ".loadStateDict", stateDict);
        long epoch = in.integer("last_epoch");
        if (epoch < 0) {
            throw in.error("last_epoch", "must be non-negative, got " + epoch);
        }
        double[] base = in.reals("base_lrs", groups.size());
        double[] last = in.reals("_last_lr", groups.size());
        Runnable settings = readSettings(in);
        in.finish();
        settings.run();
        lastEpoch = epoch;
        baseLrs = base;
        lastLr = last;
    }

    /**
     * The learning rate of each group at {@code epoch} (PyTorch's {@code get_lr()}), from
     * {@link #lastEpoch} being {@code epoch - 1} and the groups' current learning rates.
     */
    abstract double[] computeLr(long epoch);

    /** Writes the schedule's settings under PyTorch's names. */
    abstract void writeSettings(Map<String, Tensor> out);

    /** Reads and checks what {@link #writeSettings} wrote, changing nothing, and returns what installs it. */
    abstract Runnable readSettings(StateDicts.Reader in);

    /** The groups' current learning rates. */
    final double[] currentLrs() {
        double[] lrs = new double[groups.size()];
        for (int g = 0; g < lrs.length; g++) {
            lrs[g] = groups.get(g).lr();
        }
        return lrs;
    }
}
