package dev.nabla.distributed;

import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.backend.cpu.CpuStorage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Copies between CPU tensors and the direct buffers MPI reads and writes. The binding passes a
 * direct buffer's address to MPI as it is, but allocates and copies a heap array on every
 * call (about 100x slower), so every collective stages tensors through direct memory.
 */
final class HostBuffers {
    private HostBuffers() {}

    /** A zero-filled direct buffer of {@code bytes} bytes in the machine's byte order, as MPI expects. */
    static ByteBuffer allocate(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a communication buffer holds at most " + Integer.MAX_VALUE
                    + " bytes, asked for " + bytes);
        }
        return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    }

    /**
     * Checks that a collective can work on {@code t} in place: a contiguous CPU tensor of
     * float32, float64 or int64.
     *
     * @throws IllegalArgumentException naming {@code op} and what was wrong
     */
    static void checkCollective(String op, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": tensor is null");
        }
        if (!t.device().isCpu()) {
            throw new IllegalArgumentException(op + ": the MPI process group works on CPU tensors, got one on " + t.device()
                    + " (CUDA tensors need an NCCL process group; see the README's data-parallel section)");
        }
        if (t.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(op + ": unsupported dtype bool; expected float32, float64 or int64");
        }
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(op + ": tensors must be contiguous");
        }
    }

    /** Copies elements {@code [from, from + n)} of contiguous {@code t} to element {@code at} of {@code dst}. */
    static void copyIn(Tensor t, long from, int n, ByteBuffer dst, int at) {
        CpuStorage s = (CpuStorage) t.storage();
        int src = Math.toIntExact(t.storageOffset() + from);
        switch (t.dtype()) {
            case FLOAT32 -> dst.asFloatBuffer().put(at, s.floats(), src, n);
            case FLOAT64 -> dst.asDoubleBuffer().put(at, s.doubles(), src, n);
            case INT64 -> dst.asLongBuffer().put(at, s.longs(), src, n);
            default -> throw new IllegalArgumentException("unsupported dtype " + t.dtype().torchName());
        }
    }

    /**
     * Copies {@code n} elements from element {@code at} of {@code src} into elements
     * {@code [from, from + n)} of contiguous {@code t}, divided by {@code divisor} unless it is 1,
     * and records the in-place write on the tensor's version counter.
     */
    static void copyOut(ByteBuffer src, int at, int n, Tensor t, long from, double divisor) {
        CpuStorage s = (CpuStorage) t.storage();
        int dst = Math.toIntExact(t.storageOffset() + from);
        switch (t.dtype()) {
            case FLOAT32 -> {
                float[] a = s.floats();
                src.asFloatBuffer().get(at, a, dst, n);
                if (divisor != 1) {
                    float d = (float) divisor;
                    for (int i = dst; i < dst + n; i++) {
                        a[i] /= d;
                    }
                }
            }
            case FLOAT64 -> {
                double[] a = s.doubles();
                src.asDoubleBuffer().get(at, a, dst, n);
                if (divisor != 1) {
                    for (int i = dst; i < dst + n; i++) {
                        a[i] /= divisor;
                    }
                }
            }
            case INT64 -> {
                if (divisor != 1) {
                    throw new IllegalArgumentException("cannot average an int64 tensor");
                }
                src.asLongBuffer().get(at, s.longs(), dst, n);
            }
            default -> throw new IllegalArgumentException("unsupported dtype " + t.dtype().torchName());
        }
        s.bumpVersion();
    }
}
