package dev.nabla.optim;

import dev.nabla.Grad;
import dev.nabla.Tensor;
import dev.nabla.backend.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Stochastic gradient descent with optional momentum, dampening, weight decay and Nesterov
 * momentum: PyTorch 1.13's {@code torch.optim.SGD}, with the same update. For each parameter
 * {@code p} with gradient {@code g}:
 *
 * <pre>
 * d = maximize ? -g : g
 * d = d + weightDecay * p                          (if weightDecay != 0)
 * buf = d at the first step, else momentum * buf + (1 - dampening) * d   (if momentum != 0)
 * d = nesterov ? d + momentum * buf : buf          (if momentum != 0)
 * p = p - lr * d
 * </pre>
 *
 * <p>The learning rate and the momentum are the group's ({@link ParamGroup#lr()},
 * {@link ParamGroup#momentum()}), which schedulers may change. The state dict holds each
 * parameter's {@code momentum_buffer} and each group's {@code lr}, {@code momentum},
 * {@code dampening}, {@code weight_decay}, {@code nesterov} and {@code maximize}.
 *
 * <pre>{@code
 * var opt = new SGD(model.parameters(), SGD.options(0.1).momentum(0.9).nesterov(true));
 * }</pre>
 */
public final class SGD extends Optimizer {
    private final List<Group> groups = new ArrayList<>();

    /** A group's hyperparameters and the momentum buffer of each of its parameters. */
    private static final class Group {
        final ParamGroup params;
        /** Replaced, not changed, by {@link #loadStateDict}; its lr and momentum are the initial values only. */
        Options options;
        final Tensor[] momentum;

        Group(ParamGroup params, Options options) {
            this.params = params;
            this.options = options;
            this.momentum = new Tensor[params.params().size()];
        }
    }

    /** Plain gradient descent on {@code params} with learning rate {@code lr}. */
    public SGD(Iterable<? extends Tensor> params, double lr) {
        this(params, options(lr));
    }

    /**
     * SGD on {@code params} with {@code options}.
     *
     * @throws IllegalArgumentException if {@code params} is empty or holds a non-leaf or repeated
     *     tensor, or {@code nesterov} is set without a positive momentum and zero dampening
     */
    public SGD(Iterable<? extends Tensor> params, Options options) {
        addParamGroup(params, options);
    }

    /** Hyperparameters with learning rate {@code lr} and everything else off (PyTorch's defaults). */
    public static Options options(double lr) {
        return new Options(lr);
    }

    /**
     * Adds {@code params} as a group with its own {@code options} (copied).
     *
     * @throws IllegalArgumentException as the constructor
     */
    public void addParamGroup(Iterable<? extends Tensor> params, Options options) {
        Options o = options.copy();
        check(!o.nesterov || (o.momentum > 0 && o.dampening == 0), "Nesterov momentum requires a momentum and zero dampening");
        groups.add(new Group(addGroup(params, o.lr, o.momentum, Double.POSITIVE_INFINITY), o));
    }

    /**
     * The update in one pass where the backend has the kernel ({@link dev.nabla.backend.Backend#sgdStep}),
     * with the same result bit for bit as the tensor ops of {@link #step}.
     *
     * @return whether it was done; if not, nothing changed
     */
    private static boolean fused(Group group, int i, Tensor p, Tensor grad, double lr, double momentum) {
        Options o = group.options;
        Tensor buf = momentum == 0 ? null : group.momentum[i];
        boolean first = momentum != 0 && buf == null;
        if (first) {
            buf = Tensor.zerosLike(p);
        }
        if (!Backends.forDevice(p.device()).sgdStep(p, grad, buf, first, lr, momentum, o.dampening, o.weightDecay,
                o.nesterov, o.maximize)) {
            return false;
        }
        p.storage().bumpVersion();
        if (buf != null) {
            buf.storage().bumpVersion();
            group.momentum[i] = buf;
        }
        return true;
    }

    @Override
    public void step() {
        try (Grad.Scope off = Grad.disabled()) {
            for (Group group : groups) {
                Options o = group.options;
                double lr = group.params.lr();
                double momentum = group.params.momentum();
                List<Tensor> params = group.params.params();
                for (int i = 0; i < params.size(); i++) {
                    Tensor p = params.get(i);
                    Tensor d = p.grad();
                    if (d == null) {
                        continue;
                    }
                    if (fused(group, i, p, d, lr, momentum)) {
                        continue;
                    }
                    if (o.maximize) {
                        d = d.neg();
                    }
                    if (o.weightDecay != 0) {
                        d = d.add(p.mul(o.weightDecay));
                    }
                    if (momentum != 0) {
                        Tensor buf = group.momentum[i];
                        if (buf == null) {
                            buf = d.clone();
                            group.momentum[i] = buf;
                        } else {
                            buf.mul_(momentum).add_(o.dampening == 0 ? d : d.mul(1 - o.dampening));
                        }
                        d = o.nesterov ? d.add(buf.mul(momentum)) : buf;
                    }
                    p.add_(d.mul(-lr));
                }
            }
        }
    }

    @Override
    void writeState(int group, int index, BiConsumer<String, Tensor> out) {
        Tensor buf = groups.get(group).momentum[index];
        if (buf != null) {
            out.accept("momentum_buffer", buf);
        }
    }

    @Override
    void writeHyperparameters(int group, BiConsumer<String, Tensor> out) {
        Group g = groups.get(group);
        Options o = g.options;
        out.accept("lr", StateDicts.real(g.params.lr()));
        out.accept("momentum", StateDicts.real(g.params.momentum()));
        out.accept("dampening", StateDicts.real(o.dampening));
        out.accept("weight_decay", StateDicts.real(o.weightDecay));
        out.accept("nesterov", StateDicts.bool(o.nesterov));
        out.accept("maximize", StateDicts.bool(o.maximize));
    }

    @Override
    Runnable readState(StateDicts.Reader in, long[][] ids) {
        int n = groups.size();
        double[] lr = new double[n];
        Options[] options = new Options[n];
        Tensor[][] buffers = new Tensor[n][];
        for (int g = 0; g < n; g++) {
            String prefix = "param_groups." + g + ".";
            lr[g] = readLr(in, g);
            Options o = new Options(lr[g]);
            o.momentum = in.real(prefix + "momentum", m -> m >= 0, "a non-negative momentum");
            o.dampening = in.real(prefix + "dampening", Double::isFinite, "finite");
            o.weightDecay = in.real(prefix + "weight_decay", w -> w >= 0, "a non-negative weight decay");
            o.nesterov = in.bool(prefix + "nesterov");
            o.maximize = in.bool(prefix + "maximize");
            if (o.nesterov && (o.momentum <= 0 || o.dampening != 0)) {
                throw in.error(prefix + "nesterov", "is true, but Nesterov momentum requires a momentum and zero dampening");
            }
            options[g] = o;
            List<Tensor> params = groups.get(g).params.params();
            buffers[g] = new Tensor[params.size()];
            for (int i = 0; i < params.size(); i++) {
                String key = "state." + ids[g][i] + ".momentum_buffer";
                if (in.has(key)) {
                    buffers[g][i] = in.copyLike(key, params.get(i));
                }
            }
        }
        return () -> {
            for (int g = 0; g < n; g++) {
                Group group = groups.get(g);
                group.params.setLr(lr[g]);
                group.params.setMomentum(options[g].momentum);
                group.options = options[g];
                System.arraycopy(buffers[g], 0, group.momentum, 0, buffers[g].length);
            }
        };
    }

    /** The momentum buffer of {@code param}, or null before its first update or without momentum. */
    public Tensor momentumBuffer(Tensor param) {
        for (Group group : groups) {
            List<Tensor> params = group.params.params();
            for (int i = 0; i < params.size(); i++) {
                if (params.get(i) == param) {
                    return group.momentum[i];
                }
            }
        }
        return null;
    }

    /** SGD's hyperparameters, set fluently: {@code SGD.options(0.1).momentum(0.9)}. */
    public static final class Options {
        private double lr;
        private double momentum;
        private double dampening;
        private double weightDecay;
        private boolean nesterov;
        private boolean maximize;

        private Options(double lr) {
            lr(lr);
        }

        private Options copy() {
            Options o = new Options(lr);
            o.momentum = momentum;
            o.dampening = dampening;
            o.weightDecay = weightDecay;
            o.nesterov = nesterov;
            o.maximize = maximize;
            return o;
        }

        /** The learning rate. */
        public double lr() {
            return lr;
        }

        /**
         * Sets the learning rate.
         *
         * @throws IllegalArgumentException if negative or NaN
         */
        public Options lr(double lr) {
            check(lr >= 0, "Invalid learning rate: " + lr);
            this.lr = lr;
            return this;
        }

        /** The momentum factor (0: none). */
        public double momentum() {
            return momentum;
        }

        /**
         * Sets the momentum factor.
         *
         * @throws IllegalArgumentException if negative or NaN
         */
        public Options momentum(double momentum) {
            check(momentum >= 0, "Invalid momentum value: " + momentum);
            this.momentum = momentum;
            return this;
        }

        /** The dampening of the momentum (0: none). */
        public double dampening() {
            return dampening;
        }

        /** Sets the dampening of the momentum: the new gradient enters the buffer scaled by {@code 1 - dampening}. */
        public Options dampening(double dampening) {
            this.dampening = dampening;
            return this;
        }

        /** The L2 penalty factor (0: none). */
        public double weightDecay() {
            return weightDecay;
        }

        /**
         * Sets the L2 penalty factor, added to the gradient as {@code weightDecay * p}.
         *
         * @throws IllegalArgumentException if negative or NaN
         */
        public Options weightDecay(double weightDecay) {
            check(weightDecay >= 0, "Invalid weight_decay value: " + weightDecay);
            this.weightDecay = weightDecay;
            return this;
        }

        /** Whether Nesterov momentum is used. */
        public boolean nesterov() {
            return nesterov;
        }

        /** Sets Nesterov momentum, which needs a positive momentum and zero dampening (checked when the group is added). */
        public Options nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /** Whether the objective is maximised instead of minimised. */
        public boolean maximize() {
            return maximize;
        }

        /** Sets whether to maximise the objective (step along the gradient). */
        public Options maximize(boolean maximize) {
            this.maximize = maximize;
            return this;
        }
    }
}
