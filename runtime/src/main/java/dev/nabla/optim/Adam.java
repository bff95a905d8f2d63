package dev.nabla.optim;

import dev.nabla.Tensor;
import java.util.function.BiConsumer;

/**
 * Adam: PyTorch 1.13's {@code torch.optim.Adam}, with the same update. For each parameter
 * {@code p} with gradient {@code g} at step {@code t} (counted per parameter from 1):
 *
 * <pre>
 * g = maximize ? -g : g
 * g = g + weightDecay * p                                 (L2 penalty, if weightDecay != 0)
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g^2
 * vMax = max(vMax, v), used instead of v                  (if amsgrad)
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * <p>The learning rate and {@code beta1} are the group's ({@link ParamGroup#lr()},
 * {@link ParamGroup#momentum()}), which schedulers may change. The state dict holds each
 * parameter's {@code step}, {@code exp_avg}, {@code exp_avg_sq} (and {@code max_exp_avg_sq} with
 * AMSGrad) and each group's {@code lr}, {@code betas}, {@code eps}, {@code weight_decay},
 * {@code amsgrad} and {@code maximize}.
 *
 * <pre>{@code
 * var opt = new Adam(model.parameters(), Adam.options().lr(1e-3));
 * }</pre>
 */
public final class Adam extends Optimizer {
    private final AdamUpdate update = new AdamUpdate(false);

    /** Adam on {@code params} with PyTorch's defaults (lr 1e-3, betas 0.9 and 0.999, eps 1e-8). */
    public Adam(Iterable<? extends Tensor> params) {
        this(params, options());
    }

    /** Adam on {@code params} with learning rate {@code lr} and the other defaults. */
    public Adam(Iterable<? extends Tensor> params, double lr) {
        this(params, options().lr(lr));
    }

    /**
     * Adam on {@code params} with {@code options}.
     *
     * @throws IllegalArgumentException if {@code params} is empty or holds a non-leaf or repeated tensor
     */
    public Adam(Iterable<? extends Tensor> params, AdamOptions options) {
        addParamGroup(params, options);
    }

    /** Adam's defaults: lr 1e-3, betas 0.9 and 0.999, eps 1e-8, no weight decay. */
    public static AdamOptions options() {
        return new AdamOptions(0);
    }

    /**
     * Adds {@code params} as a group with its own {@code options} (copied).
     *
     * @throws IllegalArgumentException as the constructor
     */
    public void addParamGroup(Iterable<? extends Tensor> params, AdamOptions options) {
        AdamOptions o = options.copy();
        update.add(this, params, o);
    }

    @Override
    public void step() {
        update.step();
    }

    @Override
    void writeState(int group, int index, BiConsumer<String, Tensor> out) {
        update.writeState(group, index, out);
    }

    @Override
    void writeHyperparameters(int group, BiConsumer<String, Tensor> out) {
        update.writeHyperparameters(group, out);
    }

    @Override
    Runnable readState(StateDicts.Reader in, long[][] ids) {
        return update.readState(in, ids);
    }
}
