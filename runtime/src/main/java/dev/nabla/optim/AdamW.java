package dev.nabla.optim;

import dev.nabla.Tensor;
import java.util.function.BiConsumer;

/**
 * AdamW, Adam with decoupled weight decay: PyTorch 1.13's {@code torch.optim.AdamW}, with the
 * same update. It is {@link Adam}'s, except that weight decay shrinks the weights before the
 * step instead of entering the gradient:
 *
 * <pre>
 * p = p * (1 - lr * weightDecay)
 * (then Adam's update without the L2 term)
 * </pre>
 *
 * <p>The learning rate and {@code beta1} are the group's ({@link ParamGroup#lr()},
 * {@link ParamGroup#momentum()}), which schedulers may change. The state dict holds each
 * parameter's {@code step}, {@code exp_avg}, {@code exp_avg_sq} (and {@code max_exp_avg_sq} with
 * AMSGrad) and each group's {@code lr}, {@code betas}, {@code eps}, {@code weight_decay},
 * {@code amsgrad} and {@code maximize}.
 *
 * <pre>{@code
 * var opt = new AdamW(model.parameters(), AdamW.options().lr(1e-3).weightDecay(0.05));
 * }</pre>
 */
public final class AdamW extends Optimizer {
    private final AdamUpdate update = new AdamUpdate(true);

    /** AdamW on {@code params} with PyTorch's defaults (lr 1e-3, betas 0.9 and 0.999, eps 1e-8, weight decay 0.01). */
    public AdamW(Iterable<? extends Tensor> params) {
        this(params, options());
    }

    /** AdamW on {@code params} with learning rate {@code lr} and the other defaults. */
    public AdamW(Iterable<? extends Tensor> params, double lr) {
        this(params, options().lr(lr));
    }

    /**
     * AdamW on {@code params} with {@code options}.
     *
     * @throws IllegalArgumentException if {@code params} is empty or holds a non-leaf or repeated tensor
     */
    public AdamW(Iterable<? extends Tensor> params, AdamOptions options) {
        addParamGroup(params, options);
    }

    /** AdamW's defaults: lr 1e-3, betas 0.9 and 0.999, eps 1e-8, weight decay 0.01. */
    public static AdamOptions options() {
        return new AdamOptions(1e-2);
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
