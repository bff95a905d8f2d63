package dev.nabla.backend.cuda;

import jcuda.CudaException;

/**
 * The {@link Driver} in use (JCuda's, unless a test installed an emulated device) and the rules
 * every launch follows.
 */
final class CudaDriver {
    /** The number of threads in every 1-D block the backend launches. */
    static final int BLOCK = 256;
    /** The largest grid the backend launches along x; every kernel strides over the rest. */
    static final long MAX_GRID = 1L << 20;

    private static volatile Driver current = new JCudaCalls();

    private CudaDriver() {}

    /** The driver in use. */
    static Driver current() {
        return current;
    }

    /** Installs {@code driver} (tests, with an emulated device) and returns the one it replaces. */
    static Driver use(Driver driver) {
        Driver previous = current;
        current = driver;
        return previous;
    }

    /** Whether CUDA can run here: a driver, a device and the kernels. */
    static boolean isAvailable() {
        return current.unavailableReason().isEmpty();
    }

    /**
     * @throws IllegalStateException with the reason, if CUDA cannot run here
     */
    static void requireAvailable() {
        String reason = current.unavailableReason();
        if (!reason.isEmpty()) {
            throw new IllegalStateException("CUDA is not available: " + reason);
        }
    }

    /**
     * @throws IllegalArgumentException if {@code device} is not the ordinal of a device here
     */
    static void checkDevice(int device) {
        checkDevice(device, current.deviceCount());
    }

    /**
     * @throws IllegalArgumentException if {@code device} is not an ordinal below {@code count}
     */
    static void checkDevice(int device, int count) {
        if (device < 0 || device >= count) {
            throw new IllegalArgumentException("cuda:" + device + " does not exist: this machine has " + count
                    + " CUDA device" + (count == 1 ? "" : "s"));
        }
    }

    /** Whether a driver call failed for lack of device memory. */
    static boolean isOutOfMemory(CudaException e) {
        return e.getMessage() != null && e.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY");
    }

    /** The number of blocks of {@link #BLOCK} threads that cover {@code threads}, at most {@link #MAX_GRID}. */
    static int blocksFor(long threads) {
        return (int) Math.min(threads / BLOCK + (threads % BLOCK == 0 ? 0 : 1), MAX_GRID);
    }
}
