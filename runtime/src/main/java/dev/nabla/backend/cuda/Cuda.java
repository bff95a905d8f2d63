package dev.nabla.backend.cuda;

import dev.nabla.Tensor;
import java.util.Objects;

/**
 * CUDA as a whole: whether it runs here, its devices, and the memory its tensors hold.
 *
 * <p>Tensors move to a GPU with {@code tensor.to(Device.CUDA)} and every operation on them runs
 * there; this class answers the questions around that. Work is issued asynchronously, in
 * order, on each device's default stream: copying a result back to the host waits for it, and
 * {@link #synchronize()} waits for everything (for timing, mostly).
 *
 * <pre>{@code
 * Device device = Cuda.isAvailable() ? Device.CUDA : Device.CPU;
 * }</pre>
 */
public final class Cuda {
    private Cuda() {}

    /**
     * Whether CUDA tensors can be used here: JCuda's driver library loads, there is at least one
     * device, and the kernels are on the class path. Probed once; never throws.
     */
    public static boolean isAvailable() {
        return CudaBackend.availabilityReason().isEmpty();
    }

    /**
     * Why {@link #isAvailable()} is false, in one line (for example
     * {@code "no CUDA driver (libcuda.so.1 not found)"} or {@code "no CUDA device"}); empty
     * when it is true.
     */
    public static String unavailableReason() {
        return CudaBackend.availabilityReason();
    }

    /** The number of CUDA devices ({@code cuda:0} to {@code cuda:N-1}); 0 when the driver does not load. */
    public static int deviceCount() {
        return CudaDriver.current().deviceCount();
    }

    /**
     * Waits until every operation issued so far on every device this process has used has
     * finished, and reports a failure of any of them. Does nothing when CUDA was never used.
     *
     * @throws jcuda.CudaException naming the driver's error if an earlier kernel failed
     */
    public static void synchronize() {
        CudaDriver.current().synchronize();
    }

    /**
     * The theoretical memory bandwidth of {@code cuda:device} in bytes per second (twice the
     * memory clock times the bus width), the yardstick for memory-bound kernels.
     *
     * @throws IllegalStateException if CUDA is not available
     * @throws IllegalArgumentException if there is no such device
     */
    public static double memoryBandwidth(int device) {
        CudaDriver.requireAvailable();
        CudaDriver.checkDevice(device);
        return CudaDriver.current().memoryBandwidth(device);
    }

    /** The bytes of device memory held by CUDA tensors' storages that are not yet freed, over all devices. */
    public static long memoryAllocated() {
        return CudaDriver.current().liveBytes.get();
    }

    /**
     * Frees the device memory of {@code tensor}'s storage now rather than when the garbage
     * collector finds it unreachable. Every tensor viewing that storage (the tensor itself, its
     * views, and those autograd saved for a backward pass) becomes unusable: using one
     * throws an {@link IllegalStateException}. Freeing a storage twice does nothing.
     *
     * @throws IllegalArgumentException if {@code tensor} is not on a CUDA device
     */
    public static void free(Tensor tensor) {
        Objects.requireNonNull(tensor, "tensor");
        if (!(tensor.storage() instanceof CudaStorage)) {
            throw new IllegalArgumentException("Cuda.free: expected a tensor on a CUDA device, got one on " + tensor.device());
        }
        ((CudaStorage) tensor.storage()).free();
    }
}
