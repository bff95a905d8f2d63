package dev.nabla.backend.cuda;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Tensor;
import dev.nabla.backend.Storage;
import dev.nabla.internal.Shapes;
import java.lang.ref.Cleaner;
import java.util.concurrent.TimeUnit;
import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;

/**
 * Device memory: one allocation of {@code numel} elements on one CUDA device (BOOL one byte per
 * element).
 *
 * <p>The memory is freed when the storage becomes unreachable (through a {@link Cleaner}, whose
 * action holds only the address, never the storage), or at once by {@link Cuda#free}, after
 * which every tensor viewing it fails with an {@link IllegalStateException}. Freeing twice is
 * harmless.
 */
public final class CudaStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();
    /** How long an allocation that failed for lack of memory waits for cleaners before its one retry. */
    private static final long GC_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Device device;
    private final Allocation allocation;
    private final Cleaner.Cleanable cleanable;

    private CudaStorage(DType dtype, long numel, Device device, Allocation allocation) {
        super(dtype, numel);
        this.device = device;
        this.allocation = allocation;
        this.cleanable = CLEANER.register(this, allocation);
    }

    /**
     * Allocates {@code numel} elements on CUDA device {@code device}, zero-filled when
     * {@code zero}. When the device is out of memory, collects garbage, waits up to 100 ms for
     * unreachable storages to be freed, and tries once more.
     *
     * @throws IllegalStateException {@code "CUDA out of memory: ..."} if that fails too
     */
    static CudaStorage allocate(DType dtype, long numel, int device, boolean zero) {
        Driver driver = CudaDriver.current();
        long bytes = Math.multiplyExact(numel, (long) dtype.byteSize());
        CUdeviceptr ptr = bytes == 0 ? new CUdeviceptr() : allocateBytes(driver, device, bytes);
        Allocation allocation = new Allocation(driver, device, ptr, bytes);
        driver.liveBytes.addAndGet(bytes);
        CudaStorage storage = new CudaStorage(dtype, numel, Device.cuda(device), allocation);
        if (zero && bytes > 0) {
            driver.memsetZero(device, ptr, bytes);
        }
        return storage;
    }

    private static CUdeviceptr allocateBytes(Driver driver, int device, long bytes) {
        try {
            return driver.malloc(device, bytes);
        } catch (CudaException e) {
            if (!CudaDriver.isOutOfMemory(e)) {
                throw e;
            }
        }
        long before = driver.liveBytes.get();
        System.gc();
        long deadline = System.nanoTime() + GC_WAIT_NANOS;
        while (before > 0 && driver.liveBytes.get() >= before && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            return driver.malloc(device, bytes);
        } catch (CudaException e) {
            if (!CudaDriver.isOutOfMemory(e)) {
                throw e;
            }
            throw new IllegalStateException("CUDA out of memory: tried to allocate " + bytes + " bytes on cuda:" + device
                    + " (" + driver.liveBytes.get() + " bytes held by live tensors)", e);
        }
    }

    @Override
    public Device device() {
        return device;
    }

    /** The ordinal of the device holding the memory. */
    int deviceIndex() {
        return allocation.device;
    }

    /** The size of the allocation in bytes. */
    long byteSize() {
        return allocation.bytes;
    }

    /** Whether the memory has been freed. */
    boolean isFreed() {
        return allocation.freed;
    }

    /**
     * The address of element 0 of the storage, for a kernel that reads or writes {@code user}.
     *
     * @throws IllegalStateException naming {@code user}'s shape and device if the memory was freed
     */
    CUdeviceptr base(Tensor user) {
        if (allocation.freed) {
            throw new IllegalStateException("this tensor's CUDA memory was freed with Cuda.free (shape "
                    + Shapes.format(user.shape()) + " on " + device + "); it can no longer be used");
        }
        return allocation.ptr;
    }

    /** Frees the memory now, unless it already is; every view of this storage becomes unusable. */
    void free() {
        cleanable.clean();
    }

    /** The cleaning action: frees the memory once. It must not reference the storage. */
    private static final class Allocation implements Runnable {
        final Driver driver;
        final int device;
        final CUdeviceptr ptr;
        final long bytes;
        volatile boolean freed;

        Allocation(Driver driver, int device, CUdeviceptr ptr, long bytes) {
            this.driver = driver;
            this.device = device;
            this.ptr = ptr;
            this.bytes = bytes;
        }

        @Override
        public void run() {
            freed = true;
            driver.liveBytes.addAndGet(-bytes);
            if (bytes == 0) {
                return;
            }
            try {
                driver.free(device, ptr);
            } catch (RuntimeException e) {
                // A sticky error from an earlier kernel, or a context already torn down at exit: the memory
                // goes with the context, and a cleaner has nobody to report to.
            }
        }
    }
}
