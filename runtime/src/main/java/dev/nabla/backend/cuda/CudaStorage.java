package dev.nabla.backend.cuda;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Tensor;
import dev.nabla.backend.Storage;
import dev.nabla.internal.Shapes;
import jcuda.driver.CUdeviceptr;

/**
 * Device memory: one block of {@code numel} elements on one CUDA device (BOOL one byte per
 * element), from that device's caching pool ({@link CudaMemory}).
 *
 * <p>The block returns to the pool when the storage becomes unreachable (the collector finds
 * it; the next allocation or memory statistic takes it back), or at once by {@link Cuda#free},
 * after which every tensor viewing it fails with an {@link IllegalStateException}. Freeing
 * twice is harmless.
 */
public final class CudaStorage extends Storage {
    private final Device device;
    private final int deviceIndex;
    /** Set once, right after construction: the lease watches the storage, so it needs the storage first. */
    private CudaMemory.Lease lease;

    private CudaStorage(DType dtype, long numel, int deviceIndex) {
        // Device memory is what early release is for: the pool takes the block back at once.
        super(dtype, numel, true);
        this.device = Device.cuda(deviceIndex);
        this.deviceIndex = deviceIndex;
    }

    /**
     * Allocates {@code numel} elements on CUDA device {@code device}, zero-filled when
     * {@code zero}, from the device's pool (see {@link CudaMemory} for when that collects
     * garbage or asks the driver).
     *
     * @throws IllegalStateException {@code "CUDA out of memory: ..."} if the device has no room
     */
    static CudaStorage allocate(DType dtype, long numel, int device, boolean zero) {
        Driver driver = CudaDriver.current();
        long bytes = Math.multiplyExact(numel, (long) dtype.byteSize());
        CudaStorage storage = new CudaStorage(dtype, numel, device);
        storage.lease = driver.memory.allocate(storage, device, bytes);
        if (zero && bytes > 0) {
            driver.memsetZero(device, storage.lease.ptr(), bytes);
        }
        return storage;
    }

    @Override
    public Device device() {
        return device;
    }

    /** The ordinal of the device holding the memory. */
    int deviceIndex() {
        return deviceIndex;
    }

    /** Whether the memory has been freed. */
    boolean isFreed() {
        return lease.isReleased();
    }

    /**
     * The address of element 0 of the storage, for a kernel that reads or writes {@code user}.
     *
     * @throws IllegalStateException naming {@code user}'s shape and device if the memory was freed
     */
    CUdeviceptr base(Tensor user) {
        if (lease.isReleased()) {
            throw new IllegalStateException("this tensor's CUDA memory was freed with Cuda.free (shape "
                    + Shapes.format(user.shape()) + " on " + device + "); it can no longer be used");
        }
        return lease.ptr();
    }

    /** Returns the memory to the pool now, unless it already is; every view of this storage becomes unusable. */
    void free() {
        lease.release();
    }

    /** {@link #free}: the block goes back to the pool now. */
    @Override
    public void releaseNow() {
        free();
    }
}
