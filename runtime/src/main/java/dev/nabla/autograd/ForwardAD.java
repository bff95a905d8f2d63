package dev.nabla.autograd;

import dev.nabla.Tensor;
import dev.nabla.internal.Shapes;
import dev.nabla.internal.TensorAccess;

/**
 * Forward-mode automatic differentiation (PyTorch's {@code torch.autograd.forward_ad}): a
 * tensor made <em>dual</em> carries a tangent beside its value, and every op computed on it
 * also computes its output's tangent from its inputs' tangents with the op's jvp rule, in the
 * same forward pass and with no graph and no backward.
 *
 * <pre>{@code
 * try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
 *     Tensor x = ForwardAD.makeDual(primal, direction);
 *     Tensor y = x.sin().mul(x);
 *     Tensor jvp = ForwardAD.tangent(y);   // (cos(x) x + sin(x)) * direction
 * }
 * }</pre>
 *
 * <p>A level belongs to the thread that opened it and one level is open per thread at a time;
 * tangents are not themselves differentiated forward (no nested levels), but they are
 * ordinary tensors, so backward through a jvp works when they require grad. An op with no jvp
 * rule (a {@link Function} that does not override {@link Function#jvp}) fails under a level,
 * naming the op, when one of its inputs has a tangent. {@link dev.nabla.Autograd#jvp} is the
 * functional form.
 */
public final class ForwardAD {
    /** Threads with an open level: lets every op skip the thread-local read when nobody uses forward mode. */
    private static volatile int openLevels;
    private static final ThreadLocal<DualLevel> CURRENT = new ThreadLocal<>();

    private ForwardAD() {}

    /** An open level of forward-mode differentiation; closing it makes its tangents disappear. */
    public static final class DualLevel implements AutoCloseable {
        private final Thread owner = Thread.currentThread();
        private boolean closed;
        /** Depth of jvp rules running on this level: their own ops see no tangents. */
        private int suspended;

        private DualLevel() {}

        /**
         * Ends the level: tangents attached under it are no longer seen.
         *
         * @throws IllegalStateException if called from another thread than the one that opened it
         */
        @Override
        public void close() {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("ForwardAD.DualLevel.close: a level must be closed by the thread that opened"
                        + " it (" + owner.getName() + ")");
            }
            if (closed) {
                return;
            }
            closed = true;
            CURRENT.remove();
            synchronized (ForwardAD.class) {
                openLevels--;
            }
        }
    }

    /**
     * Opens a level of forward-mode differentiation on this thread ({@code fwAD.dual_level()}).
     *
     * @throws IllegalStateException if this thread already has an open level (nested forward mode is not supported)
     */
    public static DualLevel dualLevel() {
        if (CURRENT.get() != null) {
            throw new IllegalStateException("ForwardAD.dualLevel: this thread already has an open level; Nabla supports"
                    + " one level of forward-mode AD at a time (close the open one first)");
        }
        DualLevel level = new DualLevel();
        CURRENT.set(level);
        synchronized (ForwardAD.class) {
            openLevels++;
        }
        return level;
    }

    /** Whether this thread has an open level whose jvp rules are not running (so ops must propagate tangents). */
    public static boolean isActive() {
        DualLevel level = level();
        return level != null && level.suspended == 0;
    }

    /** This thread's open level, or null; the volatile count spares the thread-local read when no thread has one. */
    private static DualLevel level() {
        return openLevels == 0 ? null : CURRENT.get();
    }

    /** {@code t}'s tangent at {@code level}, or null. */
    private static Tensor tangentAt(DualLevel level, Tensor t) {
        if (level == null || t == null) {
            return null;
        }
        AutogradMeta a = TensorAccess.get().autograd(t);
        return a != null && a.tangentLevel == level ? a.tangent : null;
    }

    /**
     * A tensor with the value of {@code primal} (sharing its memory and its autograd history,
     * as a view) that carries {@code tangent} at the open level ({@code fwAD.make_dual}).
     *
     * @throws IllegalStateException if no level is open on this thread
     * @throws IllegalArgumentException if an argument is null, {@code primal} is not floating
     *     point, or {@code tangent} differs from it in shape, dtype or device
     */
    public static Tensor makeDual(Tensor primal, Tensor tangent) {
        if (primal == null) {
            throw new IllegalArgumentException("ForwardAD.makeDual: primal is null");
        }
        if (tangent == null) {
            throw new IllegalArgumentException("ForwardAD.makeDual: tangent is null");
        }
        DualLevel level = CURRENT.get();
        if (level == null) {
            throw new IllegalStateException("ForwardAD.makeDual: no forward-mode level is open on this thread; call it"
                    + " inside try (var level = ForwardAD.dualLevel()) { ... }");
        }
        if (!primal.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("ForwardAD.makeDual: expected a floating point primal, got "
                    + primal.dtype().torchName());
        }
        if (!java.util.Arrays.equals(primal.shape(), tangent.shape()) || primal.dtype() != tangent.dtype()
                || !primal.device().equals(tangent.device())) {
            throw new IllegalArgumentException("ForwardAD.makeDual: the tangent must match the primal: primal has shape "
                    + Shapes.format(primal.shape()) + ", dtype " + primal.dtype().torchName() + ", device "
                    + primal.device() + "; tangent has shape " + Shapes.format(tangent.shape()) + ", dtype "
                    + tangent.dtype().torchName() + ", device " + tangent.device());
        }
        Tensor dual;
        level.suspended++;
        try {
            dual = primal.expand(primal.shape());
        } finally {
            level.suspended--;
        }
        attach(level, dual, tangent);
        return dual;
    }

    /** The tangent {@code t} carries at this thread's open level ({@code fwAD.unpack_dual(t).tangent}), or null. */
    public static Tensor tangent(Tensor t) {
        return tangentAt(level(), t);
    }

    // ---------------------------------------------------------------- for the ops

    /** Whether a jvp rule (or a {@link Function}'s forward under forward mode) is running on this thread. */
    static boolean isSuspended() {
        DualLevel level = level();
        return level != null && level.suspended > 0;
    }

    /** Whether {@code t} has a tangent that ops must propagate now. */
    public static boolean hasTangent(Tensor t) {
        DualLevel level = level();
        return level != null && level.suspended == 0 && tangentAt(level, t) != null;
    }

    /**
     * A jvp rule: the output tangent of one call of an op from its inputs' tangents. Rules are
     * run with forward mode suspended, so the ops they use compute values only.
     */
    @FunctionalInterface
    public interface Jvp {
        /**
         * The output's tangent.
         *
         * @param tangents one per input of the op, null for an input without a tangent (at least one is not null)
         * @return the output tangent, of the output's shape, or null for zero
         */
        Tensor apply(Tensor[] tangents);
    }

    /**
     * Gives {@code out} the tangent {@code rule} computes from {@code inputs}' tangents, when
     * forward mode is active and an input has one.
     *
     * @param op the op's name for the error when {@code rule} is null
     * @throws UnsupportedOperationException if an input has a tangent and {@code rule} is null
     */
    public static void propagate(String op, Tensor[] inputs, Tensor out, Jvp rule) {
        Tensor[] tangents = tangents(inputs);
        if (tangents == null) {
            return;
        }
        if (rule == null) {
            throw noRule(op);
        }
        Tensor t = runRule(() -> rule.apply(tangents));
        if (t != null) {
            attachChecked(op, out, t);
        }
    }

    /**
     * Forward mode for an in-place op on {@code self}, called before the op writes (so that
     * {@code rule} may read the old values): when forward mode is active and an input has a
     * tangent, {@code self}'s tangent becomes what {@code rule} returns, or is removed when it
     * returns null (a write whose result does not depend on the inputs, as {@code fill_}'s).
     *
     * @param inputs the op's tensor inputs, {@code self} among them when the result reads it
     * @throws IllegalStateException if the tangent does not match {@code self}'s shape or device
     */
    public static void propagateInPlace(String op, Tensor[] inputs, Tensor self, Jvp rule) {
        Tensor[] tangents = tangents(inputs);
        if (tangents == null) {
            return;
        }
        Tensor t = runRule(() -> rule.apply(tangents));
        if (t != null) {
            attachChecked(op, self, t);
            return;
        }
        AutogradMeta a = TensorAccess.get().autograd(self);
        if (a != null && a.tangentLevel == level()) {
            a.tangent = null;
            a.tangentLevel = null;
        }
    }

    /** The inputs' tangents when forward mode is active, or null when it is not or no input has one. */
    static Tensor[] tangents(Tensor[] inputs) {
        DualLevel level = level();
        if (level == null || level.suspended > 0) {
            return null;
        }
        Tensor[] tangents = null;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = tangentAt(level, inputs[i]);
            if (t != null) {
                if (tangents == null) {
                    tangents = new Tensor[inputs.length];
                }
                tangents[i] = t;
            }
        }
        return tangents;
    }

    /** Runs {@code body} with forward mode suspended on this thread. */
    static <T> T runRule(java.util.function.Supplier<T> body) {
        DualLevel level = CURRENT.get();
        level.suspended++;
        try {
            return body.get();
        } finally {
            level.suspended--;
        }
    }

    static UnsupportedOperationException noRule(String op) {
        String name = op.replaceFirst("Backward\\d*$", "");
        return new UnsupportedOperationException(name + ": no forward-mode (jvp) rule; forward-mode AD cannot go through"
                + " this op. For a Function, override jvp(Tensor[] tangents); for a DSL op, add a @Jvp method");
    }

    /** Attaches {@code tangent} to {@code out} after checking it matches. */
    static void attachChecked(String op, Tensor out, Tensor tangent) {
        if (!out.dtype().isFloatingPoint()) {
            return;
        }
        if (!java.util.Arrays.equals(out.shape(), tangent.shape()) || !out.device().equals(tangent.device())) {
            throw new IllegalStateException(op.replaceFirst("Backward\\d*$", "") + ": the jvp rule returned a tangent of shape "
                    + Shapes.format(tangent.shape()) + " on " + tangent.device() + " for an output of shape "
                    + Shapes.format(out.shape()) + " on " + out.device());
        }
        Tensor t = tangent;
        if (t.dtype() != out.dtype()) {
            t = runRule(() -> tangent.to(out.dtype()));
        }
        attach(CURRENT.get(), out, t);
    }

    private static void attach(DualLevel level, Tensor t, Tensor tangent) {
        TensorAccess access = TensorAccess.get();
        AutogradMeta a = access.autograd(t);
        if (a == null) {
            a = AutogradMeta.leaf();
            access.setAutograd(t, a);
        }
        a.tangent = tangent;
        a.tangentLevel = level;
    }
}
