package dev.nabla;

import dev.nabla.backend.cpu.CpuStorage;
import dev.nabla.internal.Shapes;

/** Factories: tensors from Java arrays, constants, ranges and random samples. */
final class Creation {
    private Creation() {}

    private static Tensor wrap1d(CpuStorage s, long n) {
        return new Tensor(s, new long[] {n}, new long[] {1}, 0);
    }

    static Tensor of(float[] values) {
        return wrap1d(CpuStorage.wrap(values.clone()), values.length);
    }

    static Tensor of(double[] values) {
        return wrap1d(CpuStorage.wrap(values.clone()), values.length);
    }

    static Tensor of(long[] values) {
        return wrap1d(CpuStorage.wrap(values.clone()), values.length);
    }

    static Tensor of(boolean[] values) {
        return wrap1d(CpuStorage.wrap(values.clone()), values.length);
    }

    static Tensor of(float[][] rows) {
        int cols = rectangular(rows, i -> rows[i].length);
        float[] flat = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return new Tensor(CpuStorage.wrap(flat), new long[] {rows.length, cols}, new long[] {cols, 1}, 0);
    }

    static Tensor of(double[][] rows) {
        int cols = rectangular(rows, i -> rows[i].length);
        double[] flat = new double[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return new Tensor(CpuStorage.wrap(flat), new long[] {rows.length, cols}, new long[] {cols, 1}, 0);
    }

    /**
     * The common length of the rows.
     *
     * @throws IllegalArgumentException if {@code rows} or a row is null, or the lengths differ
     */
    private static int rectangular(Object[] rows, java.util.function.IntUnaryOperator length) {
        if (rows == null) {
            throw new IllegalArgumentException("of: argument 'rows' must not be null");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null) {
                throw new IllegalArgumentException("of: row " + i + " is null");
            }
        }
        int n = rows.length;
        int cols = n == 0 ? 0 : length.applyAsInt(0);
        for (int i = 1; i < n; i++) {
            if (length.applyAsInt(i) != cols) {
                throw new IllegalArgumentException("of: rows must have equal lengths, but row 0 has " + cols
                        + " elements and row " + i + " has " + length.applyAsInt(i));
            }
        }
        return cols;
    }

    static Tensor full(DType dtype, double value, long[] shape) {
        return full("full", dtype, value, shape);
    }

    /** {@link #full(DType, double, long[])} for op {@code op}, named in errors about the shape. */
    static Tensor full(String op, DType dtype, double value, long[] shape) {
        long[] checked = Shapes.checkedShape(op, shape);
        Tensor t = Ops.zeros(checked, dtype, Device.CPU);
        if (value != 0) {
            Ops.backend(Device.CPU).fill(t, value);
        }
        return t;
    }

    static Tensor fullLike(Tensor like, double value) {
        Tensor t = Ops.zeros(like.shape.clone(), like.dtype(), like.device());
        if (value != 0) {
            Ops.backend(t).fill(t, value);
        }
        return t;
    }

    static Tensor randn(DType dtype, long[] shape) {
        requireFloatingDType("randn", dtype);
        Tensor t = Ops.empty(Shapes.checkedShape("randn", shape), dtype, Device.CPU);
        Nabla.withGenerator(g -> Ops.backend(t).normal(t, 0, 1, g));
        return t;
    }

    static Tensor rand(DType dtype, long[] shape) {
        requireFloatingDType("rand", dtype);
        Tensor t = Ops.empty(Shapes.checkedShape("rand", shape), dtype, Device.CPU);
        Nabla.withGenerator(g -> Ops.backend(t).uniform(t, 0, 1, g));
        return t;
    }

    static Tensor arange(DType dtype, long end) {
        if (end < 0) {
            throw new IllegalArgumentException("arange: end must be >= 0, got " + end);
        }
        if (dtype == DType.BOOL) {
            throw new IllegalArgumentException("arange: not defined for bool");
        }
        long[] values = new long[Math.toIntExact(end)];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        return wrap1d(CpuStorage.wrap(values), end).to(dtype);
    }

    private static void requireFloatingDType(String op, DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating point dtype, got " + dtype.torchName());
        }
    }
}
