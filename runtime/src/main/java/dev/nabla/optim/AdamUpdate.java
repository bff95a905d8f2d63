package dev.nabla.optim;

import dev.nabla.Grad;
import dev.nabla.Tensor;
import dev.nabla.backend.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The update shared by {@link Adam} and {@link AdamW} (PyTorch 1.13's {@code _single_tensor_adam}
 * and {@code _single_tensor_adamw}), which differ only in how weight decay applies.
 *
 * <p>The backend's fused kernel ({@link dev.nabla.backend.Backend#adamStep}) does the whole update in
 * one pass where it can; otherwise it runs as in-place tensor ops, reusing one scratch tensor per
 * parameter and step where an {@code out} form exists.
 */
final class AdamUpdate {
    /** A group's hyperparameters and the state of each of its parameters. */
    private static final class Group {
        final ParamGroup params;
        /** Replaced, not changed, by {@link #readState}; its lr and beta1 are the initial values only. */
        AdamOptions options;
        final Tensor[] expAvg;
        final Tensor[] expAvgSq;
        final Tensor[] maxExpAvgSq;
        final long[] steps;

        Group(ParamGroup params, AdamOptions options) {
            int n = params.params().size();
            this.params = params;
            this.options = options;
            this.expAvg = new Tensor[n];
            this.expAvgSq = new Tensor[n];
            this.maxExpAvgSq = new Tensor[n];
            this.steps = new long[n];
        }
    }

    private final boolean decoupled;
    private final List<Group> groups = new ArrayList<>();

    /** @param decoupled AdamW's weight decay (shrink the weights) rather than Adam's (add to the gradient) */
    AdamUpdate(boolean decoupled) {
        this.decoupled = decoupled;
    }

    /** Adds a group to {@code optimizer} with {@code options} (already copied), beta1 as its momentum term. */
    void add(Optimizer optimizer, Iterable<? extends Tensor> params, AdamOptions options) {
        groups.add(new Group(optimizer.addGroup(params, options.lr(), options.beta1(), 1), options));
    }

    void step() {
        try (Grad.Scope off = Grad.disabled()) {
            for (Group group : groups) {
                List<Tensor> params = group.params.params();
                for (int i = 0; i < params.size(); i++) {
                    if (params.get(i).grad() != null) {
                        update(group, i, group.params.lr());
                    }
                }
            }
        }
    }

    private void update(Group group, int i, double lr) {
        AdamOptions o = group.options;
        Tensor p = group.params.params().get(i);
        Tensor grad = p.grad();
        if (group.expAvg[i] == null) {
            group.expAvg[i] = Tensor.zerosLike(p);
            group.expAvgSq[i] = Tensor.zerosLike(p);
            if (o.amsgrad()) {
                group.maxExpAvgSq[i] = Tensor.zerosLike(p);
            }
        }
        Tensor expAvg = group.expAvg[i];
        Tensor expAvgSq = group.expAvgSq[i];
        long step = ++group.steps[i];
        double beta1 = group.params.momentum();
        double beta2 = o.beta2();
        Tensor maxExpAvgSq = o.amsgrad() ? group.maxExpAvgSq[i] : null;
        if (Backends.forDevice(p.device()).adamStep(p, grad, expAvg, expAvgSq, maxExpAvgSq, lr, beta1, beta2, o.eps(),
                o.weightDecay(), decoupled, o.maximize(), 1 - Math.pow(beta1, step), 1 - Math.pow(beta2, step))) {
            p.storage().bumpVersion();
            expAvg.storage().bumpVersion();
            expAvgSq.storage().bumpVersion();
            if (maxExpAvgSq != null) {
                maxExpAvgSq.storage().bumpVersion();
            }
            return;
        }
        if (o.maximize()) {
            grad = grad.neg();
        }
        double wd = o.weightDecay();
        if (wd != 0) {
            if (decoupled) {
                p.mul_(1 - lr * wd);
            } else {
                grad = grad.add(p.mul(wd));
            }
        }
        // expAvg = beta1 * expAvg + (1 - beta1) * grad
        Tensor scratch = grad.mul(1 - beta1);
        expAvg.mul_(beta1).add_(scratch);
        // expAvgSq = beta2 * expAvgSq + (1 - beta2) * grad^2
        grad.mul(grad, scratch).mul_(1 - beta2);
        expAvgSq.mul_(beta2).add_(scratch);

        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        double stepSize = lr / biasCorrection1;
        Tensor second = expAvgSq;
        if (o.amsgrad()) {
            group.maxExpAvgSq[i].copy_(group.maxExpAvgSq[i].maximum(expAvgSq));
            second = group.maxExpAvgSq[i];
        }
        if (stepSize == 0) {
            return;
        }
        // p -= stepSize * expAvg / (sqrt(second) / sqrt(biasCorrection2) + eps), with -stepSize folded into the
        // denominator (as PyTorch's capturable path does) to save a pass over the parameter.
        Tensor denom = second.sqrt().mul_(1 / (biasCorrection2Sqrt * -stepSize)).add_(o.eps() / -stepSize);
        p.add_(expAvg.div(denom, denom));
    }

    /** See {@link Optimizer#writeState}: {@code step}, {@code exp_avg}, {@code exp_avg_sq} and, with AMSGrad, {@code max_exp_avg_sq}. */
    void writeState(int group, int index, BiConsumer<String, Tensor> out) {
        Group g = groups.get(group);
        if (g.expAvg[index] == null) {
            return;
        }
        out.accept("step", StateDicts.real(g.steps[index]));
        out.accept("exp_avg", g.expAvg[index]);
        out.accept("exp_avg_sq", g.expAvgSq[index]);
        if (g.maxExpAvgSq[index] != null) {
            out.accept("max_exp_avg_sq", g.maxExpAvgSq[index]);
        }
    }

    /** See {@link Optimizer#writeHyperparameters}: PyTorch's {@code lr, betas, eps, weight_decay, amsgrad, maximize}. */
    void writeHyperparameters(int group, BiConsumer<String, Tensor> out) {
        Group g = groups.get(group);
        AdamOptions o = g.options;
        out.accept("lr", StateDicts.real(g.params.lr()));
        out.accept("betas", StateDicts.reals(g.params.momentum(), o.beta2()));
        out.accept("eps", StateDicts.real(o.eps()));
        out.accept("weight_decay", StateDicts.real(o.weightDecay()));
        out.accept("amsgrad", StateDicts.bool(o.amsgrad()));
        out.accept("maximize", StateDicts.bool(o.maximize()));
    }

    /** See {@link Optimizer#readState}. */
    Runnable readState(StateDicts.Reader in, long[][] ids) {
        int n = groups.size();
        AdamOptions[] options = new AdamOptions[n];
        long[][] steps = new long[n][];
        Tensor[][][] moments = new Tensor[n][][];
        for (int g = 0; g < n; g++) {
            String prefix = "param_groups." + g + ".";
            double lr = Optimizer.readLr(in, g);
            double[] betas = in.reals(prefix + "betas", 2);
            for (int b = 0; b < 2; b++) {
                if (!(betas[b] >= 0 && betas[b] < 1)) {
                    throw in.error(prefix + "betas", "must hold two numbers in [0, 1), got " + betas[0] + " and " + betas[1]);
                }
            }
            AdamOptions o = new AdamOptions(in.real(prefix + "weight_decay", w -> w >= 0, "a non-negative weight decay"))
                    .lr(lr)
                    .betas(betas[0], betas[1])
                    .eps(in.real(prefix + "eps", e -> e >= 0, "a non-negative epsilon"))
                    .amsgrad(in.bool(prefix + "amsgrad"))
                    .maximize(in.bool(prefix + "maximize"));
            options[g] = o;
            List<Tensor> params = groups.get(g).params.params();
            steps[g] = new long[params.size()];
            moments[g] = new Tensor[params.size()][];
            for (int i = 0; i < params.size(); i++) {
                String state = "state." + ids[g][i] + ".";
                if (!in.has(state + "step")) {
                    continue;
                }
                // Bias correction raises the betas to this power: it must be the whole count that was saved.
                double step = in.real(state + "step", s -> s >= 1 && s <= 0x1p53 && s == Math.rint(s),
                        "a whole number of steps from 1 to 2^53");
                steps[g][i] = (long) step;
                Tensor p = params.get(i);
                moments[g][i] = new Tensor[] {
                    in.copyLike(state + "exp_avg", p),
                    in.copyLike(state + "exp_avg_sq", p),
                    o.amsgrad() ? in.copyLike(state + "max_exp_avg_sq", p) : null,
                };
            }
        }
        return () -> {
            for (int g = 0; g < n; g++) {
                Group group = groups.get(g);
                group.params.setLr(options[g].lr());
                group.params.setMomentum(options[g].beta1());
                group.options = options[g];
                for (int i = 0; i < steps[g].length; i++) {
                    Tensor[] m = moments[g][i];
                    group.steps[i] = steps[g][i];
                    group.expAvg[i] = m == null ? null : m[0];
                    group.expAvgSq[i] = m == null ? null : m[1];
                    group.maxExpAvgSq[i] = m == null ? null : m[2];
                }
            }
        };
    }
}
