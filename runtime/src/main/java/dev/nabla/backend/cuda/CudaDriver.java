package dev.nabla.backend.cuda;

import java.util.concurrent.atomic.AtomicReferenceArray;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA driver API as Nabla uses it, through JCuda: whether it works here, one primary
 * context per device, and the few calls the backend makes, each of which first makes the
 * device's context current on the calling thread (so any thread, the cleaner's included, can
 * use any device).
 *
 * <p>JCuda is loaded only when {@link #isAvailable()} (or anything else here) is first called,
 * and every failure to load it or to find a device becomes a one-line reason. JCuda's
 * exceptions are enabled: a failing call throws a {@link CudaException} naming its
 * {@code CUresult}. All work goes to the default stream, so it runs in the order issued and a
 * copy to the host waits for the kernels before it.
 */
final class CudaDriver {
    /** The number of threads in every 1-D block the backend launches. */
    static final int BLOCK = 256;
    /** The largest grid the backend launches along x; every kernel strides over the rest. */
    static final long MAX_GRID = 1L << 20;

    private CudaDriver() {}

    /** Whether the driver loaded and found at least one device. */
    static boolean isAvailable() {
        return Probe.REASON.isEmpty();
    }

    /** Why {@link #isAvailable()} is false, in one line; empty when it is true. */
    static String unavailableReason() {
        return Probe.REASON;
    }

    /** The number of CUDA devices, 0 when the driver is not available. */
    static int deviceCount() {
        return Probe.DEVICES;
    }

    /**
     * @throws IllegalStateException with the reason, if CUDA cannot run here
     */
    static void requireAvailable() {
        if (!isAvailable()) {
            throw new IllegalStateException("CUDA is not available: " + Probe.REASON);
        }
    }

    /** Loads JCuda, initialises the driver and counts devices, once. */
    private static final class Probe {
        static final int DEVICES;
        static final String REASON;

        static {
            int devices = 0;
            String reason;
            try {
                JCudaDriver.setExceptionsEnabled(true);
                JCudaDriver.cuInit(0);
                int[] count = new int[1];
                JCudaDriver.cuDeviceGetCount(count);
                devices = count[0];
                reason = devices > 0 ? "" : "no CUDA device";
            } catch (Throwable t) {
                // Anything at all (a missing class, a native library that will not load, a driver error) means no CUDA.
                devices = 0;
                reason = describe(t);
            }
            DEVICES = devices;
            REASON = reason;
        }

        private Probe() {}
    }

    /** A one-line reason for a failure to start CUDA. */
    static String describe(Throwable t) {
        String all = chainText(t);
        if (all.contains("libcuda.so") || all.contains("nvcuda.dll")) {
            return "no CUDA driver (libcuda.so.1 not found)";
        }
        if (all.contains("CUDA_ERROR_NO_DEVICE")) {
            return "no CUDA device";
        }
        if (all.contains("CUDA_ERROR_INSUFFICIENT_DRIVER")) {
            return "the CUDA driver is too old for JCuda 12.6 (CUDA_ERROR_INSUFFICIENT_DRIVER)";
        }
        if (t instanceof NoClassDefFoundError && all.contains("jcuda") && !all.contains("Could not initialize")) {
            return "JCuda is not on the class path (" + firstLine(t.getMessage()) + ")";
        }
        if (t instanceof UnsatisfiedLinkError || all.contains("UnsatisfiedLinkError")) {
            return "JCuda's native library did not load: " + firstLine(t.getMessage());
        }
        return "CUDA failed to start: " + t.getClass().getSimpleName() + ": " + firstLine(t.getMessage());
    }

    private static String chainText(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c).append('\n');
        }
        return sb.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        String line = message.strip().lines().findFirst().orElse("");
        return line.isEmpty() ? "no message" : line;
    }

    // ---------------------------------------------------------------- contexts

    private static final class Contexts {
        static final AtomicReferenceArray<CUcontext> BY_DEVICE = new AtomicReferenceArray<>(Probe.DEVICES);

        private Contexts() {}
    }

    /**
     * Makes {@code device}'s primary context current on the calling thread, retaining it on
     * first use.
     *
     * @throws IllegalStateException if CUDA is not available
     * @throws IllegalArgumentException if there is no such device
     */
    static void makeCurrent(int device) {
        JCudaDriver.cuCtxSetCurrent(context(device));
    }

    private static CUcontext context(int device) {
        requireAvailable();
        checkDevice(device);
        CUcontext ctx = Contexts.BY_DEVICE.get(device);
        if (ctx != null) {
            return ctx;
        }
        synchronized (Contexts.class) {
            ctx = Contexts.BY_DEVICE.get(device);
            if (ctx == null) {
                CUdevice dev = new CUdevice();
                JCudaDriver.cuDeviceGet(dev, device);
                ctx = new CUcontext();
                JCudaDriver.cuDevicePrimaryCtxRetain(ctx, dev);
                Contexts.BY_DEVICE.set(device, ctx);
            }
            return ctx;
        }
    }

    /**
     * @throws IllegalArgumentException if {@code device} is not the ordinal of a device here
     */
    static void checkDevice(int device) {
        int count = deviceCount();
        if (device < 0 || device >= count) {
            throw new IllegalArgumentException("cuda:" + device + " does not exist: this machine has " + count
                    + " CUDA device" + (count == 1 ? "" : "s"));
        }
    }

    /** Waits for all work issued so far on every device this process has used. */
    static void synchronizeAll() {
        if (!isAvailable()) {
            return;
        }
        for (int d = 0; d < Contexts.BY_DEVICE.length(); d++) {
            if (Contexts.BY_DEVICE.get(d) != null) {
                makeCurrent(d);
                JCudaDriver.cuCtxSynchronize();
            }
        }
    }

    // ---------------------------------------------------------------- memory

    /** Allocates {@code bytes > 0} on {@code device}; a {@link CudaException} on failure. */
    static CUdeviceptr malloc(int device, long bytes) {
        makeCurrent(device);
        CUdeviceptr ptr = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(ptr, bytes);
        return ptr;
    }

    /** Whether a driver call failed for lack of device memory. */
    static boolean isOutOfMemory(CudaException e) {
        return e.getMessage() != null && e.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY");
    }

    /** Frees memory from {@link #malloc}. */
    static void free(int device, CUdeviceptr ptr) {
        makeCurrent(device);
        JCudaDriver.cuMemFree(ptr);
    }

    /** Sets {@code bytes} bytes at {@code ptr} to zero. */
    static void memsetZero(int device, CUdeviceptr ptr, long bytes) {
        makeCurrent(device);
        JCudaDriver.cuMemsetD8(ptr, (byte) 0, bytes);
    }

    /** Copies {@code bytes} from host memory to the device; returns once the host memory may be reused. */
    static void copyToDevice(int device, CUdeviceptr dst, Pointer src, long bytes) {
        makeCurrent(device);
        JCudaDriver.cuMemcpyHtoD(dst, src, bytes);
    }

    /** Copies {@code bytes} from the device to host memory, after the work issued before it. */
    static void copyToHost(int device, Pointer dst, CUdeviceptr src, long bytes) {
        makeCurrent(device);
        JCudaDriver.cuMemcpyDtoH(dst, src, bytes);
    }

    /** Copies {@code bytes} within one device. */
    static void copyOnDevice(int device, CUdeviceptr dst, CUdeviceptr src, long bytes) {
        makeCurrent(device);
        JCudaDriver.cuMemcpyDtoD(dst, src, bytes);
    }

    // ---------------------------------------------------------------- launches

    /**
     * Launches {@code function} on {@code device} with a grid of {@code gridX * gridY * gridZ}
     * blocks of {@code blockX} threads and no dynamic shared memory, on the default stream.
     *
     * @param params a pointer to the pointers to each argument's value, as {@link KernelArgs} builds it
     */
    static void launch(int device, CUfunction function, int gridX, int gridY, int gridZ, int blockX, Pointer params) {
        makeCurrent(device);
        JCudaDriver.cuLaunchKernel(function, gridX, gridY, gridZ, blockX, 1, 1, 0, null, params, null);
    }

    /** The number of blocks of {@link #BLOCK} threads that cover {@code threads}, at most {@link #MAX_GRID}. */
    static int blocksFor(long threads) {
        return (int) Math.min(threads / BLOCK + (threads % BLOCK == 0 ? 0 : 1), MAX_GRID);
    }
}
