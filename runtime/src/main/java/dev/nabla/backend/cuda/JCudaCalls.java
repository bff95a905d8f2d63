package dev.nabla.backend.cuda;

import dev.nabla.DType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.JCudaDriver;

/**
 * The {@link Driver} of a real GPU: JCuda's driver API, one primary context per device, and
 * cuBLAS where it loads ({@link CuBlas}).
 *
 * <p>JCuda is loaded when {@link #unavailableReason()} (or anything else here) is first
 * called, and every failure to load it or to find a device becomes a one-line reason. JCuda's
 * exceptions are enabled: a failing call throws a {@link jcuda.CudaException} naming its
 * {@code CUresult}. All work goes to the default stream, so it runs in the order issued and a
 * copy to the host waits for the kernels before it.
 */
final class JCudaCalls extends Driver {
    @Override
    String unavailableReason() {
        return Probe.REASON;
    }

    @Override
    int deviceCount() {
        return Probe.DEVICES;
    }

    /** The number of devices the driver reports, 0 when it does not load. */
    static int devices() {
        return Probe.DEVICES;
    }

    /** Loads JCuda, initialises the driver, counts devices and looks for the kernels, once. */
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
                reason = devices > 0 ? Kernels.missingReason() : "no CUDA device";
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
            return "JCuda's native library did not load: " + linkFailure(all, t);
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

    /**
     * The last of JCuda's nested link errors (its attempt to load the library from the jar, which
     * names the missing dependency), or the first line of the message.
     */
    private static String linkFailure(String all, Throwable t) {
        String marker = "UnsatisfiedLinkError: ";
        String found = null;
        for (String line : all.split("\n")) {
            int at = line.indexOf(marker);
            if (at >= 0) {
                found = line.substring(at + marker.length()).strip();
            }
        }
        return found == null || found.isEmpty() ? firstLine(t.getMessage()) : found;
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

    /** Makes {@code device}'s primary context current on the calling thread, retaining it on first use. */
    static void makeCurrent(int device) {
        if (!Probe.REASON.isEmpty()) {
            throw new IllegalStateException("CUDA is not available: " + Probe.REASON);
        }
        CudaDriver.checkDevice(device, Probe.DEVICES);
        CUcontext ctx = Contexts.BY_DEVICE.get(device);
        if (ctx == null) {
            synchronized (Contexts.class) {
                ctx = Contexts.BY_DEVICE.get(device);
                if (ctx == null) {
                    CUdevice dev = new CUdevice();
                    JCudaDriver.cuDeviceGet(dev, device);
                    ctx = new CUcontext();
                    JCudaDriver.cuDevicePrimaryCtxRetain(ctx, dev);
                    Contexts.BY_DEVICE.set(device, ctx);
                }
            }
        }
        JCudaDriver.cuCtxSetCurrent(ctx);
    }

    @Override
    void synchronize() {
        if (!Probe.REASON.isEmpty()) {
            return;
        }
        for (int d = 0; d < Contexts.BY_DEVICE.length(); d++) {
            if (Contexts.BY_DEVICE.get(d) != null) {
                makeCurrent(d);
                JCudaDriver.cuCtxSynchronize();
            }
        }
    }

    @Override
    double memoryBandwidth(int device) {
        makeCurrent(device);
        CUdevice dev = new CUdevice();
        JCudaDriver.cuDeviceGet(dev, device);
        int[] clockKHz = new int[1];
        int[] busBits = new int[1];
        JCudaDriver.cuDeviceGetAttribute(clockKHz, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE, dev);
        JCudaDriver.cuDeviceGetAttribute(busBits, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH, dev);
        return 2.0 * clockKHz[0] * 1e3 * busBits[0] / 8;
    }

    /**
     * Each kernel's resident blocks, by its function (one per module, device and name), read
     * once: every elementwise launch asks, and the driver's answer costs two calls.
     */
    private static final Map<CUfunction, Integer> RESIDENT_BLOCKS = new ConcurrentHashMap<>();

    @Override
    int residentBlocks(int device, PtxModule module, String function) {
        return RESIDENT_BLOCKS.computeIfAbsent(module.function(device, function), f -> {
            makeCurrent(device);
            CUdevice dev = new CUdevice();
            JCudaDriver.cuDeviceGet(dev, device);
            int[] processors = new int[1];
            int[] perProcessor = new int[1];
            JCudaDriver.cuDeviceGetAttribute(processors, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev);
            JCudaDriver.cuOccupancyMaxActiveBlocksPerMultiprocessor(perProcessor, f, CudaDriver.BLOCK, 0);
            return processors[0] * Math.max(1, perProcessor[0]);
        });
    }

    // ---------------------------------------------------------------- memory

    @Override
    CUdeviceptr malloc(int device, long bytes) {
        makeCurrent(device);
        CUdeviceptr ptr = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(ptr, bytes);
        return ptr;
    }

    @Override
    void free(int device, CUdeviceptr ptr) {
        makeCurrent(device);
        JCudaDriver.cuMemFree(ptr);
    }

    @Override
    void memsetZero(int device, CUdeviceptr ptr, long bytes) {
        makeCurrent(device);
        JCudaDriver.cuMemsetD8(ptr, (byte) 0, bytes);
    }

    @Override
    void copyToDevice(int device, CUdeviceptr dst, Object array, int from, long bytes) {
        makeCurrent(device);
        JCudaDriver.cuMemcpyHtoD(dst, hostPointer(array, from), bytes);
    }

    @Override
    void copyToHost(int device, Object array, int from, CUdeviceptr src, long bytes) {
        makeCurrent(device);
        JCudaDriver.cuMemcpyDtoH(hostPointer(array, from), src, bytes);
    }

    @Override
    void copyOnDevice(int device, CUdeviceptr dst, CUdeviceptr src, long bytes) {
        makeCurrent(device);
        JCudaDriver.cuMemcpyDtoD(dst, src, bytes);
    }

    /** A pointer to element {@code from} of a {@code float[]}, {@code double[]}, {@code long[]} or {@code byte[]}. */
    private static Pointer hostPointer(Object array, int from) {
        if (array instanceof float[]) {
            return Pointer.to((float[]) array).withByteOffset((long) from * Float.BYTES);
        } else if (array instanceof double[]) {
            return Pointer.to((double[]) array).withByteOffset((long) from * Double.BYTES);
        } else if (array instanceof long[]) {
            return Pointer.to((long[]) array).withByteOffset((long) from * Long.BYTES);
        }
        return Pointer.to((byte[]) array).withByteOffset(from);
    }

    // ---------------------------------------------------------------- launches

    @Override
    void launch(int device, PtxModule module, String function, int gridX, int gridY, int gridZ, int blockX,
                KernelArgs args) {
        makeCurrent(device);
        JCudaDriver.cuLaunchKernel(module.function(device, function), gridX, gridY, gridZ, blockX, 1, 1, 0, null,
                args.toParams(), null);
    }

    @Override
    boolean gemm(int device, DType dtype, boolean transA, boolean transB, int m, int n, int k, CUdeviceptr a, int lda,
                 long strideA, CUdeviceptr b, int ldb, long strideB, CUdeviceptr c, int ldc, long strideC, int batch) {
        return CuBlas.gemm(device, dtype, transA, transB, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC,
                batch);
    }
}
