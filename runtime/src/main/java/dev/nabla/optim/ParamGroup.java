package dev.nabla.optim;

import dev.nabla.Tensor;
import java.util.List;

/**
 * Parameters an {@link Optimizer} updates with one set of hyperparameters, as an entry of
 * PyTorch's {@code optimizer.param_groups}. The learning rate can be changed between steps
 * (a schedule); the other hyperparameters are fixed when the group is added.
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private double lr;

    ParamGroup(List<Tensor> params, double lr) {
        this.params = List.copyOf(params);
        setLr(lr);
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
}
