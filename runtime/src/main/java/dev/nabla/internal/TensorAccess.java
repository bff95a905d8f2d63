package dev.nabla.internal;

import dev.nabla.Tensor;
import dev.nabla.autograd.AutogradMeta;
import dev.nabla.backend.Storage;
import dev.nabla.backend.UnaryOp;

/**
 * The runtime's own door into {@link Tensor}'s constructor and autograd state, which are not public API (the
 * pattern of the JDK's {@code SharedSecrets}). {@code Tensor} installs the one instance
 * when its class initialises.
 */
public interface TensorAccess {
    /** A tensor viewing {@code storage} with the given layout; the arrays are not copied. */
    Tensor make(Storage storage, long[] shape, long[] stride, long offset);

    /** The tensor's shape array itself, not a copy: callers must not modify it. */
    long[] shape(Tensor t);

    /** The tensor's stride array itself, not a copy: callers must not modify it. */
    long[] stride(Tensor t);

    /** The tensor's autograd state, or null while it has none. */
    AutogradMeta autograd(Tensor t);

    /** Replaces the tensor's autograd state. */
    void setAutograd(Tensor t, AutogradMeta autograd);

    /**
     * {@code g} summed over the dimensions that broadcasting {@code shape} to {@code g}'s shape
     * added or expanded, then of {@code shape} (which must broadcast to {@code g}'s shape).
     */
    Tensor sumTo(Tensor g, long[] shape);

    /**
     * {@code op(x)}, recorded for autograd and forward mode as {@link Tensor}'s own elementwise
     * methods are: how an op declared in {@link UnaryOp} without a {@code Tensor} method (GELU,
     * whose public form is {@code Functional.gelu}) is applied.
     */
    Tensor unary(UnaryOp op, Tensor x);

    /** The one instance. */
    static TensorAccess get() {
        return Holder.instance;
    }

    /** Called once by {@code Tensor}'s static initialiser. */
    static void install(TensorAccess access) {
        if (Holder.instance != null) {
            throw new IllegalStateException("TensorAccess is already installed");
        }
        Holder.instance = access;
    }

    /** Holds the installed instance. */
    final class Holder {
        static TensorAccess instance;

        static {
            try {
                Class.forName(Tensor.class.getName(), true, Tensor.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private Holder() {}
    }
}
