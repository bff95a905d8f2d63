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

    /**
     * The bytes of device memory handed to CUDA tensors' storages and not yet returned, over
     * every device (with one GPU, PyTorch's {@code torch.cuda.memory_allocated()}). Counts the
     * blocks the caching allocator handed out, each a multiple of 512 bytes. A storage the
     * garbage collector has found unreachable is no longer counted; one it has not looked at yet
     * still is.
     */
    public static long memoryAllocated() {
        CudaMemory.drain();
        return CudaDriver.current().memory.allocated();
    }

    /**
     * The bytes of device memory the caching allocator holds from the driver, over every device:
     * {@link #memoryAllocated()} plus the free blocks kept for reuse (PyTorch's
     * {@code torch.cuda.memory_reserved()}).
     */
    public static long memoryReserved() {
        CudaMemory.drain();
        return CudaDriver.current().memory.reserved();
    }

    /**
     * The most {@link #memoryAllocated()} has been since the process started or since
     * {@link #resetPeakMemoryStats()} (PyTorch's {@code torch.cuda.max_memory_allocated()}),
     * summed over the devices' own peaks.
     */
    public static long maxMemoryAllocated() {
        return CudaDriver.current().memory.peakAllocated();
    }

    /**
     * The most {@link #memoryReserved()} has been since the process started or since
     * {@link #resetPeakMemoryStats()} (PyTorch's {@code torch.cuda.max_memory_reserved()}),
     * summed over the devices' own peaks.
     */
    public static long maxMemoryReserved() {
        return CudaDriver.current().memory.peakReserved();
    }

    /**
     * Starts the peaks of {@link #maxMemoryAllocated()} and {@link #maxMemoryReserved()} again
     * from the current values (PyTorch's {@code torch.cuda.reset_peak_memory_stats()}).
     */
    public static void resetPeakMemoryStats() {
        CudaDriver.current().memory.resetPeaks();
    }

    /**
     * Returns to the driver every segment of cached device memory none of whose blocks a tensor
     * holds, so that other processes can use it (PyTorch's {@code torch.cuda.empty_cache()}).
     * Memory held by live tensors stays; tensors the garbage collector has not yet found
     * unreachable count as live. Nabla itself never needs this: its pool reuses the memory.
     */
    public static void emptyCache() {
        CudaMemory.drain();
        CudaDriver.current().memory.emptyCache();
    }

    /**
     * Returns the device memory of {@code tensor}'s storage to the caching allocator now rather
     * than when the garbage collector finds it unreachable. Every tensor viewing that storage (the tensor itself, its
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
