package dev.nabla.optim;

/**
 * The hyperparameters of {@link Adam} and {@link AdamW}, set fluently:
 * {@code Adam.options().lr(1e-3).betas(0.9, 0.999)}. Obtain them from {@link Adam#options()} or
 * {@link AdamW#options()}, which start from that optimizer's PyTorch defaults (they differ in
 * the weight decay: 0 for Adam, 0.01 for AdamW).
 */
public final class AdamOptions {
    private double lr = 1e-3;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double weightDecay;
    private boolean amsgrad;
    private boolean maximize;

    AdamOptions(double weightDecay) {
        weightDecay(weightDecay);
    }

    AdamOptions copy() {
        AdamOptions o = new AdamOptions(weightDecay);
        o.lr = lr;
        o.beta1 = beta1;
        o.beta2 = beta2;
        o.eps = eps;
        o.amsgrad = amsgrad;
        o.maximize = maximize;
        return o;
    }

    /** The learning rate (default 1e-3). */
    public double lr() {
        return lr;
    }

    /**
     * Sets the learning rate.
     *
     * @throws IllegalArgumentException if negative or NaN
     */
    public AdamOptions lr(double lr) {
        Optimizer.check(lr >= 0, "Invalid learning rate: " + lr);
        this.lr = lr;
        return this;
    }

    /** The decay of the first moment estimate (default 0.9). */
    public double beta1() {
        return beta1;
    }

    /** The decay of the second moment estimate (default 0.999). */
    public double beta2() {
        return beta2;
    }

    /**
     * Sets the decays of the first and second moment estimates.
     *
     * @throws IllegalArgumentException unless both are in {@code [0, 1)}
     */
    public AdamOptions betas(double beta1, double beta2) {
        Optimizer.check(beta1 >= 0 && beta1 < 1, "Invalid beta parameter at index 0: " + beta1);
        Optimizer.check(beta2 >= 0 && beta2 < 1, "Invalid beta parameter at index 1: " + beta2);
        this.beta1 = beta1;
        this.beta2 = beta2;
        return this;
    }

    /** The term added to the denominator for stability (default 1e-8). */
    public double eps() {
        return eps;
    }

    /**
     * Sets the term added to the denominator.
     *
     * @throws IllegalArgumentException if negative or NaN
     */
    public AdamOptions eps(double eps) {
        Optimizer.check(eps >= 0, "Invalid epsilon value: " + eps);
        this.eps = eps;
        return this;
    }

    /** The weight decay: an L2 penalty added to the gradient (Adam), or decoupled shrinking of the weights (AdamW). */
    public double weightDecay() {
        return weightDecay;
    }

    /**
     * Sets the weight decay.
     *
     * @throws IllegalArgumentException if negative or NaN
     */
    public AdamOptions weightDecay(double weightDecay) {
        Optimizer.check(weightDecay >= 0, "Invalid weight_decay value: " + weightDecay);
        this.weightDecay = weightDecay;
        return this;
    }

    /** Whether the AMSGrad variant (the running maximum of the second moment) is used. */
    public boolean amsgrad() {
        return amsgrad;
    }

    /** Sets whether to use the AMSGrad variant. */
    public AdamOptions amsgrad(boolean amsgrad) {
        this.amsgrad = amsgrad;
        return this;
    }

    /** Whether the objective is maximised instead of minimised. */
    public boolean maximize() {
        return maximize;
    }

    /** Sets whether to maximise the objective. */
    public AdamOptions maximize(boolean maximize) {
        this.maximize = maximize;
        return this;
    }
}
