package dev.nabla.backend.cuda;

import dev.nabla.DType;
import jcuda.driver.CUdeviceptr;

/**
 * Every call into CUDA that the backend makes, behind one seam: JCuda's driver API and cuBLAS
 * in production ({@link JCudaCalls}). The tests install an emulated device here (with
 * {@link CudaDriver#use}) to run the backend's host-side logic (layouts, pointers, passes,
 * copies) on a machine without a GPU.
 *
 * <p>Every call names its device; an implementation makes that device's context current on
 * the calling thread first. Failures of the driver are {@link jcuda.CudaException}s naming
 * the {@code CUresult}.
 */
abstract class Driver {
    /** The memory of this driver's devices, pooled. */
    final CudaMemory memory = new CudaMemory(this);

    /** Why CUDA cannot run here (no driver, no device, no kernels), in one line; empty when it can. */
    abstract String unavailableReason();

    /** The number of devices, 0 when none can be used. */
    abstract int deviceCount();

    /**
     * The device's theoretical memory bandwidth in bytes per second: twice the memory clock (data
     * moves on both edges) times the bus width.
     */
    abstract double memoryBandwidth(int device);

    /**
     * How many blocks of {@link CudaDriver#BLOCK} threads of {@code function} (of {@code module})
     * {@code device} runs at once: its multiprocessors times the blocks one multiprocessor holds
     * given the kernel's registers and shared memory. A grid-stride kernel launched with that
     * many fills the device in one wave; more blocks would wait for the first to finish their
     * whole loops, a second, partial wave.
     */
    abstract int residentBlocks(int device, PtxModule module, String function);

    /** Allocates {@code bytes > 0} on {@code device}. */
    abstract CUdeviceptr malloc(int device, long bytes);

    /** Frees what {@link #malloc} returned. */
    abstract void free(int device, CUdeviceptr ptr);

    /** Sets {@code bytes} bytes from {@code ptr} to zero. */
    abstract void memsetZero(int device, CUdeviceptr ptr, long bytes);

    /**
     * Copies {@code bytes} from a Java array ({@code float[]}, {@code double[]}, {@code long[]}
     * or {@code byte[]}), starting at its element {@code from}, to the device; returns once
     * the array may be reused.
     */
    abstract void copyToDevice(int device, CUdeviceptr dst, Object array, int from, long bytes);

    /** Copies {@code bytes} from the device into a Java array from its element {@code from}, after the work issued before. */
    abstract void copyToHost(int device, Object array, int from, CUdeviceptr src, long bytes);

    /** Copies {@code bytes} within one device. */
    abstract void copyOnDevice(int device, CUdeviceptr dst, CUdeviceptr src, long bytes);

    /**
     * Launches {@code function} of {@code module} with a grid of {@code gridX * gridY * gridZ}
     * blocks of {@code blockX} threads, no dynamic shared memory, on the default stream.
     */
    abstract void launch(int device, PtxModule module, String function, int gridX, int gridY, int gridZ, int blockX,
                         KernelArgs args);

    /**
     * cuBLAS's column-major {@code gemmStridedBatched} with alpha 1 and beta 0:
     * {@code C[p] = op(A[p]) op(B[p])} for {@code p < batch}, where {@code op(X)} is {@code X}, or
     * its transpose when {@code transX}; {@code op(A)} is {@code m x k}, {@code op(B)} {@code k x n}
     * and {@code C} {@code m x n}. Every matrix is column-major with its leading dimension:
     * {@code A} is stored {@code m x k} ({@code lda >= m}), or {@code k x m} ({@code lda >= k})
     * when {@code transA}; {@code B} {@code k x n} ({@code ldb >= k}), or {@code n x k}
     * ({@code ldb >= n}) when {@code transB}; {@code C} with {@code ldc >= m}. Matrix {@code p}
     * of each starts {@code p * stride} elements after the first; a stride of 0 gives every
     * {@code p} the same matrix (A's or B's, never C's).
     *
     * @return false, having done nothing, when cuBLAS is not usable here
     */
    abstract boolean gemm(int device, DType dtype, boolean transA, boolean transB, int m, int n, int k, CUdeviceptr a,
                          int lda, long strideA, CUdeviceptr b, int ldb, long strideB, CUdeviceptr c, int ldc,
                          long strideC, int batch);

    /** Waits for all work issued so far on every device used, reporting a failure of any of it. */
    abstract void synchronize();
}
