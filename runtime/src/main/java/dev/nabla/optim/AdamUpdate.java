package dev.nabla.optim;

import dev.nabla.Grad;
import dev.nabla.Tensor;
import dev.nabla.backend.Backends;
import java.util.ArrayList;
import java.util.List;

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
        final AdamOptions options;
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

    void add(ParamGroup params, AdamOptions options) {
        groups.add(new Group(params, options));
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
        Tensor maxExpAvgSq = o.amsgrad() ? group.maxExpAvgSq[i] : null;
        if (Backends.forDevice(p.device()).adamStep(p, grad, expAvg, expAvgSq, maxExpAvgSq, lr, o.beta1(), o.beta2(),
                o.eps(), o.weightDecay(), decoupled, o.maximize(), 1 - Math.pow(o.beta1(), step),
                1 - Math.pow(o.beta2(), step))) {
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
        double beta1 = o.beta1();
        double beta2 = o.beta2();
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
}
