package dev.nabla.backend.cpu;

import com.google.auto.service.AutoService;
import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Tensor;
import dev.nabla.backend.Backend;
import dev.nabla.backend.BinaryOp;
import dev.nabla.backend.ReduceOp;
import dev.nabla.backend.Storage;
import dev.nabla.backend.UnaryOp;
import dev.nabla.backend.Window;
import dev.nabla.internal.Shapes;
import dev.nabla.internal.TensorAccess;
import java.util.random.RandomGenerator;

/**
 * The CPU backend: kernels over Java arrays ({@link CpuStorage}), split across cores for
 * large tensors ({@link Parallel}), and matrix products through OpenBLAS with a pure-Java
 * fallback ({@link Blas}).
 */
@AutoService(Backend.class)
public class CpuBackend implements Backend {
    private static final TensorAccess ACCESS = TensorAccess.get();

    /** Creates the backend; {@link java.util.ServiceLoader} calls this. */
    public CpuBackend() {}

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String deviceType() {
        return "cpu";
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Storage allocate(DType dtype, long numel, Device device) {
        return CpuStorage.allocate(dtype, numel);
    }

    private static CpuStorage storage(Tensor t) {
        Storage s = t.storage();
        if (!(s instanceof CpuStorage)) {
            throw new IllegalArgumentException("the CPU backend got a tensor on " + t.device());
        }
        return (CpuStorage) s;
    }

    private static float[] f(Tensor t) {
        return storage(t).floats();
    }

    private static double[] d(Tensor t) {
        return storage(t).doubles();
    }

    private static long[] l(Tensor t) {
        return storage(t).longs();
    }

    private static boolean[] b(Tensor t) {
        return storage(t).booleans();
    }

    private static boolean large(Tensor t) {
        return t.numel() >= Parallel.ELEMENTWISE_GRAIN;
    }

    /** Whether a {@link #large} arithmetic result goes through {@link StreamingStores}; small ones never look. */
    private static boolean streams(Tensor out, boolean large) {
        return large && StreamingStores.worthIt(out.numel() * out.dtype().byteSize());
    }

    // ---------------------------------------------------------------- copy and fill

    @Override
    public void copy(Tensor src, Tensor dst) {
        DType from = src.dtype();
        DType to = dst.dtype();
        boolean par = large(dst);
        if (from == to) {
            switch (to) {
                case FLOAT32: {
                    float[] a = f(src);
                    float[] c = f(dst);
                    Loops.run(dst, src, par, (co, cs, ao, as, x, y, z, w, n) -> FloatKernels.copy(a, ao, as, c, co, cs, n));
                    return;
                }
                case FLOAT64: {
                    double[] a = d(src);
                    double[] c = d(dst);
                    Loops.run(dst, src, par, (co, cs, ao, as, x, y, z, w, n) -> DoubleKernels.copy(a, ao, as, c, co, cs, n));
                    return;
                }
                case INT64: {
                    long[] a = l(src);
                    long[] c = l(dst);
                    Loops.run(dst, src, par, (co, cs, ao, as, x, y, z, w, n) -> {
                        for (int i = 0; i < n; i++) {
                            c[co + i * cs] = a[ao + i * as];
                        }
                    });
                    return;
                }
                default: {
                    boolean[] a = b(src);
                    boolean[] c = b(dst);
                    Loops.run(dst, src, par, (co, cs, ao, as, x, y, z, w, n) -> {
                        for (int i = 0; i < n; i++) {
                            c[co + i * cs] = a[ao + i * as];
                        }
                    });
                    return;
                }
            }
        }
        Object a = storage(src).array();
        switch (to) {
            case FLOAT32: {
                float[] c = f(dst);
                Loops.run(dst, src, par, (co, cs, ao, as, x, y, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[co + i * cs] = readFloat(a, ao + i * as);
                    }
                });
                return;
            }
            case FLOAT64: {
                double[] c = d(dst);
                Loops.run(dst, src, par, (co, cs, ao, as, x, y, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[co + i * cs] = readDouble(a, ao + i * as);
                    }
                });
                return;
            }
            case INT64: {
                long[] c = l(dst);
                Loops.run(dst, src, par, (co, cs, ao, as, x, y, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[co + i * cs] = readLong(a, ao + i * as);
                    }
                });
                return;
            }
            default: {
                boolean[] c = b(dst);
                Loops.run(dst, src, par, (co, cs, ao, as, x, y, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[co + i * cs] = readDouble(a, ao + i * as) != 0;
                    }
                });
            }
        }
    }

    private static double readDouble(Object array, int i) {
        if (array instanceof float[]) {
            return ((float[]) array)[i];
        } else if (array instanceof double[]) {
            return ((double[]) array)[i];
        } else if (array instanceof long[]) {
            return ((long[]) array)[i];
        }
        return ((boolean[]) array)[i] ? 1 : 0;
    }

    /** Rounds once: a long through double first can round differently from a direct cast (2^60 + 2^36 + 1). */
    private static float readFloat(Object array, int i) {
        if (array instanceof long[]) {
            return ((long[]) array)[i];
        }
        return (float) readDouble(array, i);
    }

    private static long readLong(Object array, int i) {
        if (array instanceof long[]) {
            return ((long[]) array)[i];
        } else if (array instanceof boolean[]) {
            return ((boolean[]) array)[i] ? 1 : 0;
        }
        return (long) readDouble(array, i);
    }

    @Override
    public void fill(Tensor dst, double value) {
        boolean par = large(dst);
        switch (dst.dtype()) {
            case FLOAT32: {
                float[] c = f(dst);
                float v = (float) value;
                Loops.run(dst, dst, par, (co, cs, x0, x1, x2, x3, x4, x5, n) -> FloatKernels.fill(c, co, cs, n, v));
                return;
            }
            case FLOAT64: {
                double[] c = d(dst);
                Loops.run(dst, dst, par, (co, cs, x0, x1, x2, x3, x4, x5, n) -> DoubleKernels.fill(c, co, cs, n, value));
                return;
            }
            case INT64: {
                long[] c = l(dst);
                long v = (long) value;
                Loops.run(dst, dst, par, (co, cs, x0, x1, x2, x3, x4, x5, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[co + i * cs] = v;
                    }
                });
                return;
            }
            default: {
                boolean[] c = b(dst);
                boolean v = value != 0;
                Loops.run(dst, dst, par, (co, cs, x0, x1, x2, x3, x4, x5, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[co + i * cs] = v;
                    }
                });
            }
        }
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void unary(UnaryOp op, Tensor in, Tensor out) {
        op.requireAccepts(in.dtype());
        boolean par = large(out);
        switch (in.dtype()) {
            case FLOAT32: {
                float[] a = f(in);
                float[] c = f(out);
                Loops.run(out, in, par, (co, cs, ao, as, x, y, z, w, n) -> FloatKernels.unary(op, a, ao, as, c, co, cs, n));
                return;
            }
            case FLOAT64: {
                double[] a = d(in);
                double[] c = d(out);
                Loops.run(out, in, par, (co, cs, ao, as, x, y, z, w, n) -> DoubleKernels.unary(op, a, ao, as, c, co, cs, n));
                return;
            }
            case INT64: {
                long[] a = l(in);
                long[] c = l(out);
                Loops.run(out, in, par, (co, cs, ao, as, x, y, z, w, n) -> LongKernels.unary(op, a, ao, as, c, co, cs, n));
                return;
            }
            default:
                throw new AssertionError(in.dtype());
        }
    }

    @Override
    public void clamp(Tensor in, double min, double max, Tensor out) {
        boolean par = large(out);
        switch (in.dtype()) {
            case FLOAT32: {
                float[] a = f(in);
                float[] c = f(out);
                float lo = (float) min;
                float hi = (float) max;
                Loops.run(out, in, par, (co, cs, ao, as, x, y, z, w, n) -> FloatKernels.clamp(a, ao, as, c, co, cs, n, lo, hi));
                return;
            }
            case FLOAT64: {
                double[] a = d(in);
                double[] c = d(out);
                Loops.run(out, in, par, (co, cs, ao, as, x, y, z, w, n) -> DoubleKernels.clamp(a, ao, as, c, co, cs, n, min, max));
                return;
            }
            case INT64: {
                long[] a = l(in);
                long[] c = l(out);
                Loops.run(out, in, par, (co, cs, ao, as, x, y, z, w, n) -> LongKernels.clamp(a, ao, as, c, co, cs, n, min, max));
                return;
            }
            default:
                throw new UnsupportedOperationException("clamp is not defined for bool");
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        op.requireAccepts(a.dtype());
        boolean par = large(out);
        if (op.isComparison()) {
            boolean[] c = b(out);
            switch (a.dtype()) {
                case FLOAT32: {
                    float[] x = f(a);
                    float[] y = f(b);
                    Loops.run(out, a, b, par, (co, cs, ao, as, bo, bs, z, w, n) -> FloatKernels.compare(op, x, ao, as, y, bo, bs, c, co, cs, n));
                    return;
                }
                case FLOAT64: {
                    double[] x = d(a);
                    double[] y = d(b);
                    Loops.run(out, a, b, par, (co, cs, ao, as, bo, bs, z, w, n) -> DoubleKernels.compare(op, x, ao, as, y, bo, bs, c, co, cs, n));
                    return;
                }
                case INT64: {
                    long[] x = l(a);
                    long[] y = l(b);
                    Loops.run(out, a, b, par, (co, cs, ao, as, bo, bs, z, w, n) -> LongKernels.compare(op, x, ao, as, y, bo, bs, c, co, cs, n));
                    return;
                }
                default:
                    throw new AssertionError(a.dtype());
            }
        }
        switch (a.dtype()) {
            case FLOAT32: {
                float[] x = f(a);
                float[] y = f(b);
                float[] c = f(out);
                boolean stream = streams(out, par);
                Loops.run(out, a, b, par, (co, cs, ao, as, bo, bs, z, w, n) -> FloatKernels.binary(op, x, ao, as, y, bo, bs, c, co, cs, n, stream));
                return;
            }
            case FLOAT64: {
                double[] x = d(a);
                double[] y = d(b);
                double[] c = d(out);
                boolean stream = streams(out, par);
                Loops.run(out, a, b, par, (co, cs, ao, as, bo, bs, z, w, n) -> DoubleKernels.binary(op, x, ao, as, y, bo, bs, c, co, cs, n, stream));
                return;
            }
            case INT64: {
                long[] x = l(a);
                long[] y = l(b);
                long[] c = l(out);
                Loops.run(out, a, b, par, (co, cs, ao, as, bo, bs, z, w, n) -> LongKernels.binary(op, x, ao, as, y, bo, bs, c, co, cs, n));
                return;
            }
            default:
                throw new AssertionError(a.dtype());
        }
    }

    @Override
    public void binaryScalar(BinaryOp op, Tensor a, double b, Tensor out) {
        boolean par = large(out);
        if (a.dtype() == DType.FLOAT32) {
            float[] x = f(a);
            float[] y = {(float) b};
            if (op.isComparison()) {
                boolean[] c = b(out);
                Loops.run(out, a, par, (co, cs, ao, as, z0, z1, z2, z3, n) -> FloatKernels.compare(op, x, ao, as, y, 0, 0, c, co, cs, n));
            } else {
                float[] c = f(out);
                boolean stream = streams(out, par);
                Loops.run(out, a, par, (co, cs, ao, as, z0, z1, z2, z3, n) -> FloatKernels.binary(op, x, ao, as, y, 0, 0, c, co, cs, n, stream));
            }
        } else if (a.dtype() == DType.FLOAT64) {
            double[] x = d(a);
            double[] y = {b};
            if (op.isComparison()) {
                boolean[] c = b(out);
                Loops.run(out, a, par, (co, cs, ao, as, z0, z1, z2, z3, n) -> DoubleKernels.compare(op, x, ao, as, y, 0, 0, c, co, cs, n));
            } else {
                double[] c = d(out);
                boolean stream = streams(out, par);
                Loops.run(out, a, par, (co, cs, ao, as, z0, z1, z2, z3, n) -> DoubleKernels.binary(op, x, ao, as, y, 0, 0, c, co, cs, n, stream));
            }
        } else {
            Backend.super.binaryScalar(op, a, b, out);
        }
    }

    @Override
    public Tensor[] layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        if (!x.dtype().isFloatingPoint() || !allContiguous(x, weight, bias)) {
            return null;
        }
        int rows = (int) ACCESS.shape(x)[0];
        int m = (int) ACCESS.shape(x)[1];
        Tensor out = fresh(x.dtype(), ACCESS.shape(x));
        Tensor mean = fresh(DType.FLOAT64, rows);
        Tensor rstd = fresh(DType.FLOAT64, rows);
        double[] mu = d(mean);
        double[] rs = d(rstd);
        if (x.dtype() == DType.FLOAT32) {
            LayerNormKernels.forward(f(x), offset(x), weight == null ? null : f(weight), offset(weight),
                    bias == null ? null : f(bias), offset(bias), eps, f(out), 0, mu, 0, rs, 0, rows, m);
        } else {
            LayerNormKernels.forward(d(x), offset(x), weight == null ? null : d(weight), offset(weight),
                    bias == null ? null : d(bias), offset(bias), eps, d(out), 0, mu, 0, rs, 0, rows, m);
        }
        return new Tensor[] {out, mean, rstd};
    }

    @Override
    public Tensor[] layerNormBackward(Tensor g, Tensor x, Tensor weight, Tensor mean, Tensor rstd,
                                      boolean wantX, boolean wantWeight, boolean wantBias) {
        if (!x.dtype().isFloatingPoint() || !allContiguous(g, x, weight, mean, rstd)) {
            return null;
        }
        int rows = (int) ACCESS.shape(x)[0];
        int m = (int) ACCESS.shape(x)[1];
        Tensor dx = wantX ? fresh(x.dtype(), ACCESS.shape(x)) : null;
        Tensor dweight = wantWeight ? fresh(x.dtype(), m) : null;
        Tensor dbias = wantBias ? fresh(x.dtype(), m) : null;
        double[] mu = d(mean);
        double[] rs = d(rstd);
        if (x.dtype() == DType.FLOAT32) {
            LayerNormKernels.backward(f(g), offset(g), f(x), offset(x), weight == null ? null : f(weight), offset(weight),
                    mu, offset(mean), rs, offset(rstd), dx == null ? null : f(dx), 0,
                    dweight == null ? null : f(dweight), 0, dbias == null ? null : f(dbias), 0, rows, m);
        } else {
            LayerNormKernels.backward(d(g), offset(g), d(x), offset(x), weight == null ? null : d(weight), offset(weight),
                    mu, offset(mean), rs, offset(rstd), dx == null ? null : d(dx), 0,
                    dweight == null ? null : d(dweight), 0, dbias == null ? null : d(dbias), 0, rows, m);
        }
        return new Tensor[] {dx, dweight, dbias};
    }

    /** A new contiguous tensor of {@code shape}, its contents to be overwritten (not zero-filled). */
    private Tensor fresh(DType dtype, long... shape) {
        Storage s = allocateUninitialized(dtype, Shapes.numel(shape), Device.CPU);
        return ACCESS.make(s, shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    /** A new contiguous tensor of zeros, for kernels that add into their output. */
    private Tensor zeros(DType dtype, long... shape) {
        return ACCESS.make(allocate(dtype, Shapes.numel(shape), Device.CPU), shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    /** Whether every tensor given (nulls are absent operands) is contiguous. */
    private static boolean allContiguous(Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null && !t.isContiguous()) {
                return false;
            }
        }
        return true;
    }

    /** The tensor's storage offset as an array index; 0 for an absent operand. */
    private static int offset(Tensor t) {
        return t == null ? 0 : (int) t.storageOffset();
    }

    @Override
    public boolean sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, boolean firstStep, double lr,
                           double momentum, double dampening, double weightDecay, boolean nesterov, boolean maximize) {
        DType dtype = param.dtype();
        if (!dtype.isFloatingPoint() || grad.dtype() != dtype || (momentumBuffer != null && momentumBuffer.dtype() != dtype)
                || !allContiguous(param, grad, momentumBuffer)) {
            return false;
        }
        long n = param.numel();
        int po = offset(param);
        int go = offset(grad);
        int bo = offset(momentumBuffer);
        if (dtype == DType.FLOAT32) {
            float[] p = f(param);
            float[] g = f(grad);
            float[] buf = momentumBuffer == null ? null : f(momentumBuffer);
            Parallel.forRange(n, Parallel.ELEMENTWISE_GRAIN, (from, to) -> SgdKernels.step(p, po, g, go, buf, bo,
                    firstStep, lr, momentum, dampening, weightDecay, nesterov, maximize, (int) from, (int) to));
        } else {
            double[] p = d(param);
            double[] g = d(grad);
            double[] buf = momentumBuffer == null ? null : d(momentumBuffer);
            Parallel.forRange(n, Parallel.ELEMENTWISE_GRAIN, (from, to) -> SgdKernels.step(p, po, g, go, buf, bo,
                    firstStep, lr, momentum, dampening, weightDecay, nesterov, maximize, (int) from, (int) to));
        }
        return true;
    }

    @Override
    public boolean adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                            double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                            boolean maximize, double biasCorrection1, double biasCorrection2) {
        DType dtype = param.dtype();
        if (!dtype.isFloatingPoint() || !param.isContiguous() || !grad.isContiguous() || !expAvg.isContiguous()
                || !expAvgSq.isContiguous() || (maxExpAvgSq != null && !maxExpAvgSq.isContiguous())
                || grad.dtype() != dtype || expAvg.dtype() != dtype || expAvgSq.dtype() != dtype
                || (maxExpAvgSq != null && maxExpAvgSq.dtype() != dtype)) {
            return false;
        }
        AdamKernel k = new AdamKernel(lr, beta1, beta2, eps, weightDecay, decoupled, maximize, biasCorrection1,
                biasCorrection2);
        long n = param.numel();
        int po = (int) param.storageOffset();
        int go = (int) grad.storageOffset();
        int mo = (int) expAvg.storageOffset();
        int vo = (int) expAvgSq.storageOffset();
        int xo = maxExpAvgSq == null ? 0 : (int) maxExpAvgSq.storageOffset();
        if (dtype == DType.FLOAT32) {
            float[] p = f(param);
            float[] g = f(grad);
            float[] m = f(expAvg);
            float[] v = f(expAvgSq);
            float[] x = maxExpAvgSq == null ? null : f(maxExpAvgSq);
            Parallel.forRange(n, Parallel.ELEMENTWISE_GRAIN, (from, to) ->
                    k.run(p, po, g, go, m, mo, v, vo, x, xo, (int) from, (int) to));
        } else {
            double[] p = d(param);
            double[] g = d(grad);
            double[] m = d(expAvg);
            double[] v = d(expAvgSq);
            double[] x = maxExpAvgSq == null ? null : d(maxExpAvgSq);
            Parallel.forRange(n, Parallel.ELEMENTWISE_GRAIN, (from, to) ->
                    k.run(p, po, g, go, m, mo, v, vo, x, xo, (int) from, (int) to));
        }
        return true;
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        boolean[] m = b(cond);
        boolean par = large(out);
        switch (a.dtype()) {
            case FLOAT32: {
                float[] x = f(a);
                float[] y = f(b);
                float[] c = f(out);
                Loops.run(out, cond, a, b, par, (co, cs, mo, ms, ao, as, bo, bs, n) -> FloatKernels.where(m, mo, ms, x, ao, as, y, bo, bs, c, co, cs, n));
                return;
            }
            case FLOAT64: {
                double[] x = d(a);
                double[] y = d(b);
                double[] c = d(out);
                Loops.run(out, cond, a, b, par, (co, cs, mo, ms, ao, as, bo, bs, n) -> DoubleKernels.where(m, mo, ms, x, ao, as, y, bo, bs, c, co, cs, n));
                return;
            }
            case INT64: {
                long[] x = l(a);
                long[] y = l(b);
                long[] c = l(out);
                Loops.run(out, cond, a, b, par, (co, cs, mo, ms, ao, as, bo, bs, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[co + i * cs] = m[mo + i * ms] ? x[ao + i * as] : y[bo + i * bs];
                    }
                });
                return;
            }
            default: {
                boolean[] x = b(a);
                boolean[] y = b(b);
                boolean[] c = b(out);
                Loops.run(out, cond, a, b, par, (co, cs, mo, ms, ao, as, bo, bs, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[co + i * cs] = m[mo + i * ms] ? x[ao + i * as] : y[bo + i * bs];
                    }
                });
            }
        }
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public void reduce(ReduceOp op, Tensor in, int[] dims, Tensor out) {
        DType dtype = in.dtype();
        long outNumel = out.numel();
        if (outNumel > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("reduction output too large: " + outNumel);
        }
        // The accumulator is a contiguous array in out's shape, seen with stride 0 on the reduced dims.
        long[] inShape = ACCESS.shape(in);
        long[] accStride = dev.nabla.internal.Shapes.contiguousStrides(ACCESS.shape(out));
        for (int d : dims) {
            accStride[d] = 0;
        }
        if (dtype == DType.INT64 || dtype == DType.BOOL) {
            Tensor src = dtype == DType.BOOL ? in.to(DType.INT64) : in;
            long[] a = l(src);
            long[] acc = new long[(int) outNumel];
            if (op != ReduceOp.SUM) {
                java.util.Arrays.fill(acc, op == ReduceOp.MAX ? Long.MIN_VALUE : Long.MAX_VALUE);
            }
            Tensor accView = accumulatorView(acc, inShape, accStride);
            Loops.run(inShape, false, (ko, ks, ao, as, x, y, z, w, n) -> LongKernels.reduce(op, a, ao, as, acc, ko, ks, n), accView, src, null, null);
            copy(ACCESS.make(CpuStorage.wrap(acc), ACCESS.shape(out), ACCESS.stride(out), 0), out);
            return;
        }
        double init = op == ReduceOp.SUM ? 0 : op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        double[] acc;
        if (outNumel == 1 && in.numel() >= 2 * Parallel.ELEMENTWISE_GRAIN) {
            acc = reduceAllParallel(op, in, init);
        } else {
            acc = new double[(int) outNumel];
            if (init != 0) {
                java.util.Arrays.fill(acc, init);
            }
            Tensor accView = accumulatorView(acc, inShape, accStride);
            if (dtype == DType.FLOAT32) {
                float[] a = f(in);
                Loops.run(inShape, false, (ko, ks, ao, as, x, y, z, w, n) -> FloatKernels.reduce(op, a, ao, as, acc, ko, ks, n), accView, in, null, null);
            } else {
                double[] a = d(in);
                Loops.run(inShape, false, (ko, ks, ao, as, x, y, z, w, n) -> DoubleKernels.reduce(op, a, ao, as, acc, ko, ks, n), accView, in, null, null);
            }
        }
        copy(ACCESS.make(CpuStorage.wrap(acc), ACCESS.shape(out), dev.nabla.internal.Shapes.contiguousStrides(ACCESS.shape(out)), 0), out);
    }

    private static Tensor accumulatorView(Object acc, long[] shape, long[] stride) {
        CpuStorage s = acc instanceof long[] ? CpuStorage.wrap((long[]) acc) : CpuStorage.wrap((double[]) acc);
        return ACCESS.make(s, shape, stride, 0);
    }

    /** A reduction of everything to one value, with one partial result per thread. */
    private double[] reduceAllParallel(ReduceOp op, Tensor in, double init) {
        Tensor flat = in.isContiguous() ? in : in.contiguous();
        long n = flat.numel();
        int chunks = Parallel.chunks(n, Parallel.ELEMENTWISE_GRAIN);
        double[] partial = new double[chunks];
        java.util.Arrays.fill(partial, init);
        int base = (int) flat.storageOffset();
        boolean isFloat = flat.dtype() == DType.FLOAT32;
        float[] fa = isFloat ? f(flat) : null;
        double[] da = isFloat ? null : d(flat);
        Parallel.forRange(chunks, 1, (c0, c1) -> {
            for (long c = c0; c < c1; c++) {
                int from = (int) (n * c / chunks);
                int to = (int) (n * (c + 1) / chunks);
                if (isFloat) {
                    FloatKernels.reduce(op, fa, base + from, 1, partial, (int) c, 0, to - from);
                } else {
                    DoubleKernels.reduce(op, da, base + from, 1, partial, (int) c, 0, to - from);
                }
            }
        });
        double r = init;
        for (double p : partial) {
            r = op == ReduceOp.SUM ? r + p : op == ReduceOp.MAX ? Math.max(r, p) : Math.min(r, p);
        }
        return new double[] {r};
    }

    /**
     * Runs {@code body} over {@code n} neighbouring argmax runs of {@code len} elements each, split
     * across threads by the elements they read: a max pooling's 4-element windows are too few
     * elements per output for the loops' split by output count.
     */
    private static void argmaxRuns(int n, int len, IntRange body) {
        Parallel.forRange(n, Math.max(1, Parallel.ELEMENTWISE_GRAIN / len), (from, to) -> body.run((int) from, (int) to));
    }

    /** A {@link Parallel.Range} of array indices. */
    private interface IntRange {
        void run(int from, int to);
    }

    @Override
    public void argmax(Tensor in, int dim, Tensor out) {
        long[] inStride = ACCESS.stride(in);
        int step = (int) inStride[dim];
        int len = (int) ACCESS.shape(in)[dim];
        long[] outIdx = l(out);
        switch (in.dtype()) {
            case FLOAT32: {
                float[] a = f(in);
                Loops.run(out, in, false, (co, cs, ao, as, x, y, z, w, n) -> {
                    if (as == 1 && len > 1) {
                        argmaxRuns(n, len, (from, to) -> FloatKernels.argmaxRuns(a, ao + from, step, len, to - from, outIdx,
                                co + from * cs, cs));
                        return;
                    }
                    for (int i = 0; i < n; i++) {
                        outIdx[co + i * cs] = FloatKernels.argmax(a, ao + i * as, step, len);
                    }
                });
                return;
            }
            case FLOAT64: {
                double[] a = d(in);
                Loops.run(out, in, false, (co, cs, ao, as, x, y, z, w, n) -> {
                    if (as == 1 && len > 1) {
                        argmaxRuns(n, len, (from, to) -> DoubleKernels.argmaxRuns(a, ao + from, step, len, to - from, outIdx,
                                co + from * cs, cs));
                        return;
                    }
                    for (int i = 0; i < n; i++) {
                        outIdx[co + i * cs] = DoubleKernels.argmax(a, ao + i * as, step, len);
                    }
                });
                return;
            }
            default: {
                Tensor src = in.dtype() == DType.BOOL ? in.to(DType.INT64) : in;
                long[] a = l(src);
                int srcStep = (int) ACCESS.stride(src)[dim];
                Loops.run(out, src, false, (co, cs, ao, as, x, y, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        outIdx[co + i * cs] = LongKernels.argmax(a, ao + i * as, srcStep, len);
                    }
                });
            }
        }
    }

    @Override
    public void softmax(Tensor in, int dim, boolean log, Tensor out) {
        int step = (int) ACCESS.stride(in)[dim];
        int cstep = (int) ACCESS.stride(out)[dim];
        int len = (int) ACCESS.shape(in)[dim];
        long[] outer = ACCESS.shape(in).clone();
        outer[dim] = 1;
        boolean par = in.numel() >= Parallel.ELEMENTWISE_GRAIN;
        if (in.dtype() == DType.FLOAT32) {
            float[] a = f(in);
            float[] c = f(out);
            Loops.run(outer, par, (co, cs, ao, as, x, y, z, w, n) -> {
                double[] e = new double[len];
                for (int i = 0; i < n; i++) {
                    FloatKernels.softmax(a, ao + i * as, c, co + i * cs, step, cstep, len, log, e);
                }
            }, out, in, null, null);
        } else {
            double[] a = d(in);
            double[] c = d(out);
            Loops.run(outer, par, (co, cs, ao, as, x, y, z, w, n) -> {
                double[] e = new double[len];
                for (int i = 0; i < n; i++) {
                    DoubleKernels.softmax(a, ao + i * as, c, co + i * cs, step, cstep, len, log, e);
                }
            }, out, in, null, null);
        }
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor g, int dim, boolean log) {
        DType dtype = y.dtype();
        if (!dtype.isFloatingPoint() || g.dtype() != dtype) {
            return null;
        }
        Tensor out = fresh(dtype, ACCESS.shape(y));
        int ystep = (int) ACCESS.stride(y)[dim];
        int gstep = (int) ACCESS.stride(g)[dim];
        int cstep = (int) ACCESS.stride(out)[dim];
        int len = (int) ACCESS.shape(y)[dim];
        long[] outer = ACCESS.shape(y).clone();
        outer[dim] = 1;
        boolean par = y.numel() >= Parallel.ELEMENTWISE_GRAIN;
        if (dtype == DType.FLOAT32) {
            float[] a = f(y);
            float[] b = f(g);
            float[] c = f(out);
            Loops.run(outer, par, (co, cs, yo, ys, go, gs, z, w, n) -> {
                double[] e = new double[len];
                for (int i = 0; i < n; i++) {
                    FloatKernels.softmaxBackward(a, yo + i * ys, ystep, b, go + i * gs, gstep, c, co + i * cs, cstep, len, log, e);
                }
            }, out, y, g, null);
        } else {
            double[] a = d(y);
            double[] b = d(g);
            double[] c = d(out);
            Loops.run(outer, par, (co, cs, yo, ys, go, gs, z, w, n) -> {
                double[] e = new double[len];
                for (int i = 0; i < n; i++) {
                    DoubleKernels.softmaxBackward(a, yo + i * ys, ystep, b, go + i * gs, gstep, c, co + i * cs, cstep, len, log, e);
                }
            }, out, y, g, null);
        }
        return out;
    }

    @Override
    public Tensor reluBackward(Tensor y, Tensor g) {
        DType dtype = y.dtype();
        if (!dtype.isFloatingPoint() || g.dtype() != dtype) {
            return null;
        }
        Tensor out = fresh(dtype, ACCESS.shape(y));
        boolean par = y.numel() >= Parallel.ELEMENTWISE_GRAIN;
        if (dtype == DType.FLOAT32) {
            float[] a = f(y);
            float[] b = f(g);
            float[] c = f(out);
            Loops.run(out, y, g, par, (co, cs, yo, ys, go, gs, z, w, n) ->
                    FloatKernels.reluBackward(a, yo, ys, b, go, gs, c, co, cs, n));
        } else {
            double[] a = d(y);
            double[] b = d(g);
            double[] c = d(out);
            Loops.run(out, y, g, par, (co, cs, yo, ys, go, gs, z, w, n) ->
                    DoubleKernels.reluBackward(a, yo, ys, b, go, gs, c, co, cs, n));
        }
        return out;
    }

    @Override
    public void cumsum(Tensor in, int dim, Tensor out) {
        int step = (int) ACCESS.stride(in)[dim];
        int cstep = (int) ACCESS.stride(out)[dim];
        int len = (int) ACCESS.shape(in)[dim];
        long[] outer = ACCESS.shape(in).clone();
        outer[dim] = 1;
        boolean par = in.numel() >= Parallel.ELEMENTWISE_GRAIN;
        switch (in.dtype()) {
            case FLOAT32: {
                float[] a = f(in);
                float[] c = f(out);
                Loops.run(outer, par, (co, cs, ao, as, x, y, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        FloatKernels.cumsum(a, ao + i * as, step, c, co + i * cs, cstep, len);
                    }
                }, out, in, null, null);
                return;
            }
            case FLOAT64: {
                double[] a = d(in);
                double[] c = d(out);
                Loops.run(outer, par, (co, cs, ao, as, x, y, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        DoubleKernels.cumsum(a, ao + i * as, step, c, co + i * cs, cstep, len);
                    }
                }, out, in, null, null);
                return;
            }
            case INT64: {
                long[] a = l(in);
                long[] c = l(out);
                Loops.run(outer, par, (co, cs, ao, as, x, y, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        LongKernels.cumsum(a, ao + i * as, step, c, co + i * cs, cstep, len);
                    }
                }, out, in, null, null);
                return;
            }
            default:
                throw new UnsupportedOperationException("cumsum is not defined for bool");
        }
    }

    // ---------------------------------------------------------------- matrix products

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        long[] as = ACCESS.shape(a);
        long[] bs = ACCESS.shape(b);
        int batch = (int) as[0];
        int n = (int) as[1];
        int k = (int) as[2];
        int m = (int) bs[2];
        long[] ast = ACCESS.stride(a);
        long[] bst = ACCESS.stride(b);
        long[] ost = ACCESS.stride(out);
        if (a.dtype() == DType.INT64) {
            long[] x = l(a);
            long[] y = l(b);
            long[] c = l(out);
            for (int p = 0; p < batch; p++) {
                long ao = a.storageOffset() + p * ast[0];
                long bo = b.storageOffset() + p * bst[0];
                long co = out.storageOffset() + p * ost[0];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < m; j++) {
                        long s = 0;
                        for (int q = 0; q < k; q++) {
                            s += x[(int) (ao + i * ast[1] + q * ast[2])] * y[(int) (bo + q * bst[1] + j * bst[2])];
                        }
                        c[(int) (co + i * ost[1] + j * ost[2])] = s;
                    }
                }
            }
            return;
        }
        if (batch == 0 || n == 0 || m == 0) {
            // An empty product (the gradient of one with an empty inner dimension, say): the BLAS is not asked.
            return;
        }
        if (k == 0) {
            fill(out, 0);
            return;
        }
        for (int p = 0; p < batch; p++) {
            Tensor ap = a.narrow(0, p, 1).squeeze(0);
            Tensor bp = b.narrow(0, p, 1).squeeze(0);
            Tensor op = out.narrow(0, p, 1).squeeze(0);
            Tensor target = op.isContiguous() ? op : op.contiguous();
            gemm(ap, bp, target, n, k, m);
            if (target != op) {
                copy(target, op);
            }
        }
    }

    /** One product into a contiguous {@code c}; operands that no BLAS layout describes are made contiguous first. */
    private void gemm(Tensor a, Tensor b, Tensor c, int n, int k, int m) {
        int[] la = blasLayout(a);
        if (la == null) {
            a = a.contiguous();
            la = blasLayout(a);
        }
        int[] lb = blasLayout(b);
        if (lb == null) {
            b = b.contiguous();
            lb = blasLayout(b);
        }
        boolean ta = la[0] == 1;
        boolean tb = lb[0] == 1;
        if (a.dtype() == DType.FLOAT32) {
            Blas.sgemm(ta, tb, n, m, k, f(a), (int) a.storageOffset(), la[1], f(b), (int) b.storageOffset(), lb[1],
                    f(c), (int) c.storageOffset(), Math.max(m, 1));
        } else {
            Blas.dgemm(ta, tb, n, m, k, d(a), (int) a.storageOffset(), la[1], d(b), (int) b.storageOffset(), lb[1],
                    d(c), (int) c.storageOffset(), Math.max(m, 1));
        }
    }

    /** {@code {transposed ? 1 : 0, leadingDimension}} of a 2-D matrix, or null if it is neither row- nor column-major. */
    private static int[] blasLayout(Tensor t) {
        long[] sh = ACCESS.shape(t);
        long[] st = ACCESS.stride(t);
        long rows = sh[0];
        long cols = sh[1];
        long rs = st[0];
        long cs = st[1];
        if ((cs == 1 || cols == 1) && (rows == 1 || rs >= Math.max(cols, 1))) {
            return new int[] {0, (int) (rows == 1 ? Math.max(cols, 1) : rs)};
        }
        if ((rs == 1 || rows == 1) && (cols == 1 || cs >= Math.max(rows, 1))) {
            return new int[] {1, (int) (cols == 1 ? Math.max(rows, 1) : cs)};
        }
        return null;
    }

    // ---------------------------------------------------------------- indexing

    @Override
    public void indexSelect(Tensor in, int dim, Tensor index, Tensor out) {
        long[] idx = index.contiguous().toLongArray();
        if (in.isContiguous() && out.isContiguous()) {
            // Contiguous slices: one bulk copy per index (a data loader's batch gather takes this path).
            long[] shape = ACCESS.shape(in);
            long inner = 1;
            for (int d = dim + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
            long outer = 1;
            for (int d = 0; d < dim; d++) {
                outer *= shape[d];
            }
            int row = (int) inner;
            Object src = storage(in).array();
            Object dst = storage(out).array();
            long inBlock = shape[dim] * inner;
            long outBlock = idx.length * inner;
            for (long o = 0; o < outer; o++) {
                long inBase = in.storageOffset() + o * inBlock;
                long outBase = out.storageOffset() + o * outBlock;
                for (int i = 0; i < idx.length; i++) {
                    System.arraycopy(src, (int) (inBase + idx[i] * inner), dst, (int) (outBase + i * inner), row);
                }
            }
            return;
        }
        for (int i = 0; i < idx.length; i++) {
            copy(in.narrow(dim, idx[i], 1), out.narrow(dim, i, 1));
        }
    }

    @Override
    public void indexAdd(Tensor out, int dim, Tensor index, Tensor src) {
        long[] idx = index.contiguous().toLongArray();
        for (int i = 0; i < idx.length; i++) {
            Tensor slot = out.narrow(dim, idx[i], 1);
            binary(BinaryOp.ADD, slot, src.narrow(dim, i, 1), slot);
        }
    }

    @Override
    public void gather(Tensor in, int dim, Tensor index, Tensor out) {
        long[] ix = l(index);
        if (alongContiguousRows(in, dim, index, out)) {
            int len = (int) ACCESS.shape(out)[dim];
            int inLen = (int) ACCESS.shape(in)[dim];
            int rows = (int) (out.numel() / len);
            int io = (int) index.storageOffset();
            if (in.dtype() == DType.FLOAT32) {
                FloatKernels.gatherRows(f(in), (int) in.storageOffset(), inLen, ix, io, f(out), (int) out.storageOffset(), rows, len);
            } else {
                DoubleKernels.gatherRows(d(in), (int) in.storageOffset(), inLen, ix, io, d(out), (int) out.storageOffset(), rows, len);
            }
            return;
        }
        int dstep = (int) ACCESS.stride(in)[dim];
        Tensor base = alongDimZero(in, dim, ACCESS.shape(out));
        switch (in.dtype()) {
            case FLOAT32: {
                float[] a = f(in);
                float[] c = f(out);
                Loops.run(out, index, base, false, (co, cs, io, is, ao, as, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[co + i * cs] = a[(int) (ao + i * as + ix[io + i * is] * dstep)];
                    }
                });
                return;
            }
            case FLOAT64: {
                double[] a = d(in);
                double[] c = d(out);
                Loops.run(out, index, base, false, (co, cs, io, is, ao, as, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[co + i * cs] = a[(int) (ao + i * as + ix[io + i * is] * dstep)];
                    }
                });
                return;
            }
            case INT64: {
                long[] a = l(in);
                long[] c = l(out);
                Loops.run(out, index, base, false, (co, cs, io, is, ao, as, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[co + i * cs] = a[(int) (ao + i * as + ix[io + i * is] * dstep)];
                    }
                });
                return;
            }
            default: {
                boolean[] a = b(in);
                boolean[] c = b(out);
                Loops.run(out, index, base, false, (co, cs, io, is, ao, as, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[co + i * cs] = a[(int) (ao + i * as + ix[io + i * is] * dstep)];
                    }
                });
            }
        }
    }

    @Override
    public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        long[] ix = l(index);
        if (alongContiguousRows(out, dim, index, src)) {
            int len = (int) ACCESS.shape(src)[dim];
            int outLen = (int) ACCESS.shape(out)[dim];
            int rows = (int) (src.numel() / len);
            int io = (int) index.storageOffset();
            if (out.dtype() == DType.FLOAT32) {
                FloatKernels.scatterAddRows(f(src), (int) src.storageOffset(), ix, io, f(out), (int) out.storageOffset(), outLen, rows, len);
            } else {
                DoubleKernels.scatterAddRows(d(src), (int) src.storageOffset(), ix, io, d(out), (int) out.storageOffset(), outLen, rows, len);
            }
            return;
        }
        int dstep = (int) ACCESS.stride(out)[dim];
        Tensor base = alongDimZero(out, dim, ACCESS.shape(src));
        switch (out.dtype()) {
            case FLOAT32: {
                float[] a = f(src);
                float[] c = f(out);
                Loops.run(src, index, base, false, (so, ss, io, is, co, cs, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[(int) (co + i * cs + ix[io + i * is] * dstep)] += a[so + i * ss];
                    }
                });
                return;
            }
            case FLOAT64: {
                double[] a = d(src);
                double[] c = d(out);
                Loops.run(src, index, base, false, (so, ss, io, is, co, cs, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[(int) (co + i * cs + ix[io + i * is] * dstep)] += a[so + i * ss];
                    }
                });
                return;
            }
            case INT64: {
                long[] a = l(src);
                long[] c = l(out);
                Loops.run(src, index, base, false, (so, ss, io, is, co, cs, z, w, n) -> {
                    for (int i = 0; i < n; i++) {
                        c[(int) (co + i * cs + ix[io + i * is] * dstep)] += a[so + i * ss];
                    }
                });
                return;
            }
            default:
                throw new UnsupportedOperationException("scatterAdd is not defined for bool");
        }
    }

    /**
     * Whether a gather or scatter-add between {@code image} and {@code index}/{@code values} (one
     * shape) runs along rows: floating, {@code dim} the last dimension, all three contiguous and
     * non-empty, and the shapes equal but for {@code dim}; max pooling's rows of window positions
     * within a plane are the case. Rows of a few elements each spend most of their time in
     * {@link Loops}' per-row call, which the row kernels skip.
     */
    private static boolean alongContiguousRows(Tensor image, int dim, Tensor index, Tensor values) {
        long[] shape = ACCESS.shape(image);
        long[] indexShape = ACCESS.shape(index);
        if (!image.dtype().isFloatingPoint() || dim != shape.length - 1 || values.numel() == 0
                || !java.util.Arrays.equals(indexShape, ACCESS.shape(values))
                || !allContiguous(image, index, values)) {
            return false;
        }
        for (int d = 0; d < dim; d++) {
            if (shape[d] != indexShape[d]) {
                return false;
            }
        }
        return true;
    }

    /** {@code t} seen with {@code shape} and stride 0 along {@code dim}: the base address of each gathered element. */
    private static Tensor alongDimZero(Tensor t, int dim, long[] shape) {
        long[] st = ACCESS.stride(t).clone();
        st[dim] = 0;
        return ACCESS.make(t.storage(), shape, st, t.storageOffset());
    }

    // ---------------------------------------------------------------- random

    // ---------------------------------------------------------------- sliding windows

    @Override
    public void im2col(Tensor in, Window window, double padValue, Tensor out) {
        WindowKernels.Image image = image(in);
        if (in.dtype() == DType.FLOAT32) {
            WindowKernels.im2col(f(in), image, window, (float) padValue, f(out));
        } else {
            WindowKernels.im2col(d(in), image, window, padValue, d(out));
        }
    }

    @Override
    public void col2im(Tensor col, Window window, Tensor out) {
        WindowKernels.Image image = image(out);
        int offset = (int) col.storageOffset();
        if (col.dtype() == DType.FLOAT32) {
            WindowKernels.col2im(f(col), offset, window, f(out), image);
        } else {
            WindowKernels.col2im(d(col), offset, window, d(out), image);
        }
    }

    @Override
    public Tensor convolution(Tensor x, Tensor weight, Window window, Tensor bias) {
        if (!x.dtype().isFloatingPoint() || !allContiguous(x, weight, bias) || columnsTooLarge(x, window)) {
            return null;
        }
        long[] shape = ACCESS.shape(x);
        int outChannels = (int) ACCESS.shape(weight)[0];
        Tensor out = fresh(x.dtype(), shape[0], outChannels, window.outH(shape[2]), window.outW(shape[3]));
        WindowKernels.Image image = image(x);
        if (x.dtype() == DType.FLOAT32) {
            ConvKernels.forward(f(x), image, window, f(weight), offset(weight), bias == null ? null : f(bias), offset(bias),
                    outChannels, f(out), 0);
        } else {
            ConvKernels.forward(d(x), image, window, d(weight), offset(weight), bias == null ? null : d(bias), offset(bias),
                    outChannels, d(out), 0);
        }
        return out;
    }

    /** Whether one image's column matrix would not fit a Java array. */
    private static boolean columnsTooLarge(Tensor x, Window window) {
        long[] shape = ACCESS.shape(x);
        long k = shape[1] * window.size();
        return k * window.outH(shape[2]) * window.outW(shape[3]) > Integer.MAX_VALUE - 8;
    }

    @Override
    public Tensor[] convolutionBackward(Tensor g, Tensor x, Tensor weight, Window window, boolean wantX,
                                        boolean wantWeight, boolean wantBias) {
        if (!x.dtype().isFloatingPoint() || !allContiguous(g, x, weight) || columnsTooLarge(x, window)) {
            return null;
        }
        int outChannels = (int) ACCESS.shape(weight)[0];
        // Zero-filled: col2im and the weight's partial sums add into them.
        Tensor dx = wantX ? zeros(x.dtype(), ACCESS.shape(x)) : null;
        Tensor dw = wantWeight ? zeros(x.dtype(), ACCESS.shape(weight)) : null;
        Tensor db = wantBias ? fresh(x.dtype(), ACCESS.shape(weight)[0]) : null;
        WindowKernels.Image image = image(x);
        if (x.dtype() == DType.FLOAT32) {
            ConvKernels.backward(f(g), offset(g), f(x), image, window, f(weight), offset(weight), outChannels,
                    dx == null ? null : f(dx), dw == null ? null : f(dw), db == null ? null : f(db));
        } else {
            ConvKernels.backward(d(g), offset(g), d(x), image, window, d(weight), offset(weight), outChannels,
                    dx == null ? null : d(dx), dw == null ? null : d(dw), db == null ? null : d(db));
        }
        return new Tensor[] {dx, dw, db};
    }

    @Override
    public Tensor[] maxPool(Tensor in, Window window) {
        WindowKernels.Image image = image(in);
        long[] shape = {image.n(), image.c(), window.outH(image.h()), window.outW(image.w())};
        Tensor values = fresh(in.dtype(), shape);
        Tensor indices = fresh(DType.INT64, shape);
        if (in.dtype() == DType.FLOAT32) {
            WindowKernels.maxPool(f(in), image, window, f(values), l(indices));
        } else {
            WindowKernels.maxPool(d(in), image, window, d(values), l(indices));
        }
        return new Tensor[] {values, indices};
    }

    private static WindowKernels.Image image(Tensor t) {
        long[] shape = ACCESS.shape(t);
        long[] stride = ACCESS.stride(t);
        return new WindowKernels.Image((int) t.storageOffset(), (int) shape[0], (int) shape[1], (int) shape[2],
                (int) shape[3], (int) stride[0], (int) stride[1], (int) stride[2], (int) stride[3]);
    }

    @Override
    public void uniform(Tensor dst, double low, double high, RandomGenerator random) {
        fillRandom(dst, () -> low + (high - low) * random.nextDouble());
    }

    @Override
    public void normal(Tensor dst, double mean, double std, RandomGenerator random) {
        fillRandom(dst, () -> mean + std * random.nextGaussian());
    }

    private void fillRandom(Tensor dst, java.util.function.DoubleSupplier sample) {
        if (dst.dtype() == DType.FLOAT32) {
            float[] c = f(dst);
            Loops.run(dst, dst, false, (co, cs, x0, x1, x2, x3, x4, x5, n) -> {
                for (int i = 0; i < n; i++) {
                    c[co + i * cs] = (float) sample.getAsDouble();
                }
            });
        } else if (dst.dtype() == DType.FLOAT64) {
            double[] c = d(dst);
            Loops.run(dst, dst, false, (co, cs, x0, x1, x2, x3, x4, x5, n) -> {
                for (int i = 0; i < n; i++) {
                    c[co + i * cs] = sample.getAsDouble();
                }
            });
        } else {
            throw new UnsupportedOperationException("random sampling needs a floating tensor, got " + dst.dtype());
        }
    }
}
