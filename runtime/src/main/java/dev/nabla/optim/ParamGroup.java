package dev.nabla.optim;

import dev.nabla.Tensor;
import java.util.List;

/**
 * Parameters an {@link Optimizer} updates with one set of hyperparameters, as an entry of
 * PyTorch's {@code optimizer.param_groups}. The two hyperparameters that schedules change
 * between steps live here and can be set: the learning rate, and the momentum term (SGD's
 * {@code momentum}, Adam's and AdamW's {@code beta1}), which {@link OneCycleLR} cycles as
 * PyTorch's does. The other hyperparameters are fixed when the group is added (and restored by
 * {@link Optimizer#loadStateDict}).
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private final boolean hasMomentum;
    /** The exclusive upper bound of the momentum term: 1 for a beta, infinity for SGD's factor. */
    private final double momentumBelow;
    private double lr;
    private double momentum;
    /** PyTorch's {@code group['initial_lr']}: the lr the first scheduler attached saw; NaN before any. */
    private double initialLr = Double.NaN;

    /**
     * @param momentum the momentum term, or NaN when the optimizer has none
     * @param momentumBelow the exclusive upper bound of the momentum term
     */
    ParamGroup(List<Tensor> params, double lr, double momentum, double momentumBelow) {
        this.params = List.copyOf(params);
        this.hasMomentum = !Double.isNaN(momentum);
        this.momentumBelow = momentumBelow;
        setLr(lr);
        if (hasMomentum) {
            setMomentum(momentum);
        }
    }

    /** The parameters, in the order given (unmodifiable). */
    public List<Tensor> params() {
        return params;
    }

    /** The learning rate the next {@link Optimizer#step()} uses. */
    public double lr() {
        return lr;
    }

    /**
     * Sets the learning rate for the following steps.
     *
     * @throws IllegalArgumentException if {@code lr} is negative or NaN
     */
    public void setLr(double lr) {
        Optimizer.check(lr >= 0, "Invalid learning rate: " + lr);
        this.lr = lr;
    }

    /** Whether the optimizer has a momentum term: SGD's momentum, or Adam's and AdamW's beta1. */
    public boolean hasMomentum() {
        return hasMomentum;
    }

    /**
     * The momentum term the next {@link Optimizer#step()} uses: SGD's momentum factor, or Adam's
     * and AdamW's {@code beta1}.
     *
     * @throws IllegalStateException if the optimizer has no momentum term ({@link #hasMomentum()})
     */
    public double momentum() {
        checkMomentum();
        return momentum;
    }

    /**
     * Sets the momentum term for the following steps. For SGD, a group created without momentum
     * starts keeping momentum buffers once this is positive, as PyTorch's does.
     *
     * @throws IllegalArgumentException if {@code momentum} is negative, NaN, or (for Adam and
     *     AdamW, where it is {@code beta1}) not below 1
     * @throws IllegalStateException if the optimizer has no momentum term
     */
    public void setMomentum(double momentum) {
        checkMomentum();
        Optimizer.check(momentum >= 0 && momentum < momentumBelow, "Invalid momentum value: " + momentum
                + (momentumBelow == 1 ? " (a beta must be in [0, 1))" : ""));
        this.momentum = momentum;
    }

    private void checkMomentum() {
        if (!hasMomentum) {
            throw new IllegalStateException("this optimizer has no momentum term (SGD's momentum or Adam's beta1)");
        }
    }

    double initialLr() {
        return initialLr;
    }

    void setInitialLr(double initialLr) {
        this.initialLr = initialLr;
    }
}
