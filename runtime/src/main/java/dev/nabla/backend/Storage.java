package dev.nabla.backend;

import dev.nabla.DType;
import dev.nabla.Device;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A flat block of elements of one {@link DType} on one {@link Device}, which tensors view
 * through a shape, strides and an offset. Views of one storage share its version counter,
 * which every in-place write bumps so that autograd can detect a saved tensor that changed.
 */
public abstract class Storage {
    /** Storages created so far in this JVM; numbers each new one. */
    private static final AtomicLong CREATED = new AtomicLong();

    /** Whether a storage that {@linkplain #releasesEarly releases early} was ever created in this JVM. */
    private static volatile boolean anyReleasesEarly;

    private final DType dtype;
    private final long numel;
    private int version;
    private final long serial = CREATED.incrementAndGet();
    private final boolean releasesEarly;

    /** A storage whose memory the collector reclaims ({@link #releaseNow} does nothing). */
    protected Storage(DType dtype, long numel) {
        this(dtype, numel, false);
    }

    /**
     * A storage that says whether it releases early.
     *
     * @param releasesEarly whether {@link #releaseNow} gives scarce, pooled memory back before the
     *     collector would (then the subclass overrides {@code releaseNow})
     */
    protected Storage(DType dtype, long numel, boolean releasesEarly) {
        this.dtype = dtype;
        this.numel = numel;
        this.releasesEarly = releasesEarly;
        if (releasesEarly && !anyReleasesEarly) {
            anyReleasesEarly = true;
        }
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

    // ---------------------------------------------------------------- early release

    /**
     * How many storages this JVM has created so far: a storage whose {@link #serial} exceeds a
     * value read earlier was created after that read, so no tensor that existed then views it.
     */
    public static long createdSoFar() {
        return CREATED.get();
    }

    /** This storage's number in the order of creation, from 1, unique in the JVM. */
    public final long serial() {
        return serial;
    }

    /**
     * Whether {@link #releaseNow} gives memory back before the collector would: true where
     * memory is scarce and pooled (a CUDA device); false for host memory, which the collector
     * reclaims as cheaply as an explicit release would.
     */
    public final boolean releasesEarly() {
        return releasesEarly;
    }

    /** Whether any storage that {@linkplain #releasesEarly releases early} has been created in this JVM. */
    public static boolean anyReleasesEarly() {
        return anyReleasesEarly;
    }

    /**
     * Gives the memory back now, if {@link #releasesEarly}; otherwise does nothing. Afterwards
     * every tensor viewing this storage fails when used. Only for a caller that has proved no
     * tensor still in use views it (the autograd engine's dead gradients, see
     * {@code Engine}'s Note [Dead gradients]).
     */
    public void releaseNow() {}
}
