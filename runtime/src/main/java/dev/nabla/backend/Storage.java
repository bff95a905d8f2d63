package dev.nabla.backend;

import dev.nabla.DType;
import dev.nabla.Device;

/**
 * A flat block of elements of one {@link DType} on one {@link Device}, which tensors view
 * through a shape, strides and an offset. Views of one storage share its version counter,
 * which every in-place write bumps so that autograd can detect a saved tensor that changed.
 */
public abstract class Storage {
    private final DType dtype;
    private final long numel;
    private int version;

    protected Storage(DType dtype, long numel) {
        this.dtype = dtype;
        this.numel = numel;
    }

    /** The element type. */
    public final DType dtype() {
        return dtype;
    }

    /** The number of elements this storage holds. */
    public final long numel() {
        return numel;
    }

    /** The device the elements live on. */
    public abstract Device device();

    /** How many in-place writes this storage has seen. */
    public final int version() {
        return version;
    }

    /** Records one in-place write; kernels that write through raw pointers call it too. */
    public final void bumpVersion() {
        version++;
    }
}
