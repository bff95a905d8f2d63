package dev.nabla;

import dev.nabla.backend.Backend;
import dev.nabla.backend.Backends;
import dev.nabla.internal.Shapes;

/** What every op needs: the backend of a device, fresh outputs, and the common checks. */
final class Ops {
    private Ops() {}

    static Backend backend(Device device) {
        return Backends.forDevice(device);
    }

    static Backend backend(Tensor t) {
        return Backends.forDevice(t.storage.device());
    }

    /**
     * A new contiguous tensor whose elements are unspecified, for an output that the caller's
     * kernel writes in full: on CUDA it skips the memset of {@link #zeros}. (The JVM clears every
     * new array, so on the CPU both are zeros; code must not rely on that.)
     */
    static Tensor empty(long[] shape, DType dtype, Device device) {
        long numel = Shapes.numel(shape);
        return new Tensor(backend(device).allocateUninitialized(dtype, numel, device), shape, Shapes.contiguousStrides(shape), 0);
    }

    /** A new contiguous tensor of zeros. */
    static Tensor zeros(long[] shape, DType dtype, Device device) {
        long numel = Shapes.numel(shape);
        return new Tensor(backend(device).allocate(dtype, numel, device), shape, Shapes.contiguousStrides(shape), 0);
    }

    /** A view of {@code t} with a new layout over the same storage. */
    static Tensor view(Tensor t, long[] shape, long[] stride, long offset) {
        return new Tensor(t.storage, shape, stride, offset);
    }

    /** {@code t} expanded (stride 0) to {@code shape}, or {@code t} itself if it has it. */
    static Tensor expandTo(String op, Tensor t, long[] shape) {
        if (java.util.Arrays.equals(t.shape, shape)) {
            return t;
        }
        return new Tensor(t.storage, shape, Shapes.expandStrides(op, t.shape, t.stride, shape), t.offset);
    }

    /**
     * @throws IllegalArgumentException naming the op and both devices if they differ
     */
    static void sameDevice(String op, Tensor a, Tensor b) {
        Device da = a.storage.device();
        Device db = b.storage.device();
        if (!da.equals(db)) {
            throw new IllegalArgumentException(op + ": expected all tensors to be on the same device, but found "
                    + da + " and " + db);
        }
    }

    /**
     * Returns {@code t}, checked at the API's edge so that a null argument is reported by name
     * rather than as a NullPointerException from inside the op.
     *
     * @throws IllegalArgumentException naming the op and the argument if {@code t} is null
     */
    static Tensor notNull(String op, String argument, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": argument '" + argument + "' must be a Tensor, not null");
        }
        return t;
    }

    /**
     * @throws IllegalArgumentException naming the op and the dtype if it is not FLOAT32 or FLOAT64
     */
    static void requireFloating(String op, Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating point tensor (float32 or float64), got "
                    + t.dtype().torchName());
        }
    }
}
