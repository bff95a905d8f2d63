package dev.nabla.backend.cpu;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.backend.Storage;
import dev.nabla.internal.Shapes;

/**
 * Host memory: one Java array of the storage's dtype ({@code float[]}, {@code double[]},
 * {@code long[]} or {@code boolean[]}). Heap arrays keep small tensors cheap to allocate and
 * let the JIT vectorise kernel loops; matrix products stage them through the BLAS's
 * off-heap buffers (see {@link Blas}).
 */
public final class CpuStorage extends Storage {
    private final Object data;

    private CpuStorage(DType dtype, Object data, long numel) {
        super(dtype, numel);
        this.data = data;
    }

    /** Zero-filled storage of {@code numel} elements. */
    public static CpuStorage allocate(DType dtype, long numel) {
        if (numel > Shapes.MAX_CPU_NUMEL) {
            throw new IllegalArgumentException("a CPU tensor holds at most " + Shapes.MAX_CPU_NUMEL
                    + " elements, asked for " + numel);
        }
        int n = (int) numel;
        switch (dtype) {
            case FLOAT32:
                return new CpuStorage(dtype, new float[n], n);
            case FLOAT64:
                return new CpuStorage(dtype, new double[n], n);
            case INT64:
                return new CpuStorage(dtype, new long[n], n);
            default:
                return new CpuStorage(dtype, new boolean[n], n);
        }
    }

    /** Wraps (does not copy) an array. */
    public static CpuStorage wrap(float[] data) {
        return new CpuStorage(DType.FLOAT32, data, data.length);
    }

    /** Wraps (does not copy) an array. */
    public static CpuStorage wrap(double[] data) {
        return new CpuStorage(DType.FLOAT64, data, data.length);
    }

    /** Wraps (does not copy) an array. */
    public static CpuStorage wrap(long[] data) {
        return new CpuStorage(DType.INT64, data, data.length);
    }

    /** Wraps (does not copy) an array. */
    public static CpuStorage wrap(boolean[] data) {
        return new CpuStorage(DType.BOOL, data, data.length);
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    /** The backing array of a FLOAT32 storage. */
    public float[] floats() {
        return (float[]) data;
    }

    /** The backing array of a FLOAT64 storage. */
    public double[] doubles() {
        return (double[]) data;
    }

    /** The backing array of an INT64 storage. */
    public long[] longs() {
        return (long[]) data;
    }

    /** The backing array of a BOOL storage. */
    public boolean[] booleans() {
        return (boolean[]) data;
    }

    /** The backing array, whatever its type. */
    public Object array() {
        return data;
    }
}
