package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.backend.BinaryOp;
import dev.nabla.backend.UnaryOp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;

/**
 * A CUDA device emulated on the host, installed as the {@link Driver} so that the backend's
 * host-side logic runs without a GPU: memory is byte buffers, and each built-in kernel is
 * executed in Java exactly as the kernels' contract defines it (its structs read back with
 * {@link StructReader}, its arguments checked against {@link KernelSignatures}, its launch
 * shape checked against the launch rules). A wrong operand order, stride, offset, struct field,
 * grid or pointer in the Java side shows up as a wrong result or a failed check here.
 *
 * <p>The arithmetic is plain Java, close to the CPU backend's but not meant to be bit-exact
 * for transcendental functions; tests compare those with a tolerance.
 */
final class EmulatedDevice extends Driver {
    /** A device address: an allocation and a byte offset into it. */
    static final class Address extends CUdeviceptr {
        private static final long serialVersionUID = 1L;
        final int id;
        final long offset;

        Address(int id, long offset) {
            this.id = id;
            this.offset = offset;
        }

        @Override
        public Address withByteOffset(long bytes) {
            return new Address(id, offset + bytes);
        }

        @Override
        public String toString() {
            return "Address[" + id + "+" + offset + "]";
        }
    }

    private final int devices;
    private final Map<Integer, ByteBuffer> buffers = new HashMap<>();
    private final Map<Integer, Integer> deviceOf = new HashMap<>();
    private final List<String> launches = new ArrayList<>();
    private final List<Integer> grids = new ArrayList<>();
    private int nextId = 1;
    private int mallocs;
    private int failingMallocs;
    private boolean blas;
    private boolean kernelsOnCpu;

    EmulatedDevice(int devices) {
        this.devices = devices;
    }

    /** Makes cuBLAS usable (its column-major gemm is emulated too) or not (the gemm kernels run). */
    EmulatedDevice withBlas(boolean usable) {
        this.blas = usable;
        return this;
    }

    /**
     * Runs the built-in kernels as compiled from {@code nabla_kernels.cu} ({@link CpuKernels})
     * instead of their Java rendering; every launch is still checked against the contract.
     */
    EmulatedDevice withKernelsOnCpu() {
        this.kernelsOnCpu = true;
        return this;
    }

    /** Makes the next {@code count} allocations fail with {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    void failNextMallocs(int count) {
        failingMallocs = count;
    }

    /** How many allocations the driver was asked for (those that failed included). */
    synchronized int mallocs() {
        return mallocs;
    }

    /** The names of the kernels launched so far, in order; cuBLAS calls appear as {@code "cublas"}. */
    List<String> launches() {
        return launches;
    }

    /** The blocks along x of each kernel launched so far, in order (not cuBLAS's); clear it with {@link #launches}. */
    List<Integer> grids() {
        return grids;
    }

    // ---------------------------------------------------------------- Driver

    @Override
    String unavailableReason() {
        return "";
    }

    @Override
    int deviceCount() {
        return devices;
    }

    /** An H100 SXM's: 2.619 GHz HBM3 on a 5120-bit bus. */
    @Override
    double memoryBandwidth(int device) {
        checkDevice(device);
        return 2.0 * 2_619_000e3 * 5120 / 8;
    }

    /** An H100 SXM's 132 multiprocessors, each holding 2048 threads of any kernel. */
    @Override
    int residentBlocks(int device, PtxModule module, String function) {
        checkDevice(device);
        assertTrue(module != Kernels.module() || KernelSignatures.builtIn().containsKey(function), "no kernel " + function);
        return 132 * (2048 / CudaDriver.BLOCK);
    }

    @Override
    synchronized CUdeviceptr malloc(int device, long bytes) {
        checkDevice(device);
        assertTrue(bytes > 0, "malloc of " + bytes + " bytes");
        mallocs++;
        if (failingMallocs > 0) {
            failingMallocs--;
            throw new CudaException("CUDA_ERROR_OUT_OF_MEMORY");
        }
        int id = nextId++;
        buffers.put(id, ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN));
        deviceOf.put(id, device);
        return new Address(id, 0);
    }

    /** Where {@code a} lies in this process's memory, for kernels that run on the CPU. */
    private long hostAddress(int device, Address a) {
        ByteBuffer b = buffer(device, a);
        assertTrue(a.offset >= 0 && a.offset <= b.capacity(), a + " outside its allocation of " + b.capacity() + " bytes");
        return CpuKernels.address(b) + a.offset;
    }

    @Override
    synchronized void free(int device, CUdeviceptr ptr) {
        Address a = (Address) ptr;
        assertEquals(0, a.offset, "free of an interior pointer");
        assertEquals(device, (int) deviceOf.get(a.id), "free on another device");
        assertNotNull(buffers.remove(a.id), "double free");
    }

    @Override
    synchronized void memsetZero(int device, CUdeviceptr ptr, long bytes) {
        ByteBuffer b = buffer(device, ptr);
        long off = ((Address) ptr).offset;
        for (long i = 0; i < bytes; i++) {
            b.put((int) (off + i), (byte) 0);
        }
    }

    @Override
    synchronized void copyToDevice(int device, CUdeviceptr dst, Object array, int from, long bytes) {
        ByteBuffer b = buffer(device, dst);
        int off = (int) ((Address) dst).offset;
        int n = (int) (bytes / elementSize(array));
        for (int i = 0; i < n; i++) {
            if (array instanceof float[]) {
                b.putFloat(off + 4 * i, ((float[]) array)[from + i]);
            } else if (array instanceof double[]) {
                b.putDouble(off + 8 * i, ((double[]) array)[from + i]);
            } else if (array instanceof long[]) {
                b.putLong(off + 8 * i, ((long[]) array)[from + i]);
            } else {
                b.put(off + i, ((byte[]) array)[from + i]);
            }
        }
    }

    @Override
    synchronized void copyToHost(int device, Object array, int from, CUdeviceptr src, long bytes) {
        ByteBuffer b = buffer(device, src);
        int off = (int) ((Address) src).offset;
        int n = (int) (bytes / elementSize(array));
        for (int i = 0; i < n; i++) {
            if (array instanceof float[]) {
                ((float[]) array)[from + i] = b.getFloat(off + 4 * i);
            } else if (array instanceof double[]) {
                ((double[]) array)[from + i] = b.getDouble(off + 8 * i);
            } else if (array instanceof long[]) {
                ((long[]) array)[from + i] = b.getLong(off + 8 * i);
            } else {
                ((byte[]) array)[from + i] = b.get(off + i);
            }
        }
    }

    private static int elementSize(Object array) {
        return array instanceof float[] ? 4 : array instanceof byte[] ? 1 : 8;
    }

    @Override
    synchronized void copyOnDevice(int device, CUdeviceptr dst, CUdeviceptr src, long bytes) {
        ByteBuffer d = buffer(device, dst);
        ByteBuffer s = buffer(device, src);
        long doff = ((Address) dst).offset;
        long soff = ((Address) src).offset;
        for (long i = 0; i < bytes; i++) {
            d.put((int) (doff + i), s.get((int) (soff + i)));
        }
    }

    @Override
    void synchronize() {
        // Everything here runs when issued.
    }

    @Override
    synchronized boolean gemm(int device, DType dtype, boolean transA, boolean transB, int m, int n, int k,
                              CUdeviceptr a, int lda, long strideA, CUdeviceptr b, int ldb, long strideB, CUdeviceptr c,
                              int ldc, long strideC, int batch) {
        if (!blas) {
            return false;
        }
        launches.add("cublas");
        assertTrue(dtype.isFloatingPoint());
        assertTrue(lda >= Math.max(1, transA ? k : m) && ldb >= Math.max(1, transB ? n : k) && ldc >= Math.max(1, m),
                "leading dimensions");
        assertTrue(strideA >= 0 && strideB >= 0 && (batch == 1 || strideC >= (long) ldc * n), "batch strides");
        Typed ta = typed(device, a, dtype);
        Typed tb = typed(device, b, dtype);
        Typed tc = typed(device, c, dtype);
        // Column-major: element (i, j) of a matrix with leading dimension ld is at i + j * ld.
        for (long p = 0; p < batch; p++) {
            for (long i = 0; i < m; i++) {
                for (long j = 0; j < n; j++) {
                    double s = 0;
                    for (long l = 0; l < k; l++) {
                        long ai = p * strideA + (transA ? l + i * lda : i + l * lda);
                        long bi = p * strideB + (transB ? j + l * ldb : l + j * ldb);
                        s += ta.getD(ai) * tb.getD(bi);
                    }
                    tc.putD(p * strideC + i + j * ldc, s);
                }
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- launches

    @Override
    synchronized void launch(int device, PtxModule module, String function, int gridX, int gridY, int gridZ,
                             int blockX, KernelArgs args) {
        checkDevice(device);
        launches.add(function);
        grids.add(gridX);
        List<Object> v = args.values();
        String signature = KernelSignatures.of(v);
        assertTrue(gridX >= 1 && gridY >= 1 && gridZ >= 1, function + ": an empty grid");
        assertTrue(gridY <= 65_535 && gridZ <= 65_535, function + ": grid y or z above 65535");
        if (module != Kernels.module()) {
            userKernel(device, function, signature, v);
            return;
        }
        assertEquals(KernelSignatures.builtIn().get(function), signature, function + "'s arguments");
        assertEquals(CudaDriver.BLOCK, blockX, function + ": blocks of 256 threads");
        if (kernelsOnCpu) {
            List<Object> host = new ArrayList<>(v.size());
            for (Object a : v) {
                host.add(a instanceof Address ? hostAddress(device, (Address) a) : a);
            }
            CpuKernels.launch(function, gridX, gridY, gridZ, blockX, signature, host);
            return;
        }
        String kind = function.substring(0, function.lastIndexOf('_'));
        if (kind.startsWith("copy_")) {
            copy(device, function, v);
            return;
        }
        String t = function.substring(function.lastIndexOf('_') + 1);
        if (kind.startsWith("gemm_")) {
            gemmKernel(device, t, kind.substring("gemm_".length()), gridX, gridY, gridZ, v);
            return;
        }
        assertEquals(1, gridY * gridZ, function + ": a 1-D grid");
        switch (kind) {
            case "adam":
                adam(device, t, v);
                return;
            case "sgd":
                sgd(device, t, v);
                return;
            case "fill": {
                StructReader l = layout(v, 1);
                Typed out = typed(device, v.get(1), t);
                double value = (Double) v.get(2);
                for (long i = 0; i < l.at(StructReader.L_NUMEL); i++) {
                    out.putFill(l.layoutElement(0, i), value);
                }
                return;
            }
            case "unary":
                unary(device, t, v);
                return;
            case "clamp":
                clamp(device, t, v);
                return;
            case "binary":
            case "compare":
                binary(device, kind, t, v);
                return;
            case "where": {
                StructReader l = layout(v, 4);
                Typed cond = typed(device, v.get(1), "b8");
                Typed a = typed(device, v.get(2), t);
                Typed b = typed(device, v.get(3), t);
                Typed out = typed(device, v.get(4), t);
                for (long i = 0; i < l.at(StructReader.L_NUMEL); i++) {
                    Typed from = cond.getJ(l.layoutElement(1, i)) != 0 ? a : b;
                    out.copyFrom(l.layoutElement(0, i), from, l.layoutElement(from == a ? 2 : 3, i));
                }
                return;
            }
            case "gather": {
                StructReader l = layout(v, 3);
                long step = (Long) v.get(1);
                Typed in = typed(device, v.get(2), t);
                Typed index = typed(device, v.get(3), "i64");
                Typed out = typed(device, v.get(4), t);
                for (long i = 0; i < l.at(StructReader.L_NUMEL); i++) {
                    long at = l.layoutElement(1, i) + index.getJ(l.layoutElement(2, i)) * step;
                    out.copyFrom(l.layoutElement(0, i), in, at);
                }
                return;
            }
            case "scatter_add": {
                StructReader l = layout(v, 3);
                long step = (Long) v.get(1);
                Typed src = typed(device, v.get(2), t);
                Typed index = typed(device, v.get(3), "i64");
                Typed out = typed(device, v.get(4), t);
                for (long i = 0; i < l.at(StructReader.L_NUMEL); i++) {
                    long at = l.layoutElement(1, i) + index.getJ(l.layoutElement(2, i)) * step;
                    long from = l.layoutElement(0, i);
                    if (t.equals("i64")) {
                        out.putJ(at, out.getJ(at) + src.getJ(from));
                    } else {
                        out.putD(at, out.getD(at) + src.getD(from));
                    }
                }
                return;
            }
            case "reduce":
                reduce(device, t, v);
                return;
            case "argmax":
                argmax(device, t, v);
                return;
            case "softmax":
                softmax(device, t, v);
                return;
            case "cumsum":
                cumsum(device, t, v);
                return;
            default:
                throw new AssertionError("no emulation of " + function);
        }
    }

    private void userKernel(int device, String function, String signature, List<Object> v) {
        switch (function) {
            case "scale_f32": {
                assertEquals("JPFIP", signature, function + "'s arguments");
                long n = (Long) v.get(0);
                Typed x = typed(device, v.get(1), "f32");
                float a = (Float) v.get(2);
                int addOne = (Integer) v.get(3);
                Typed y = typed(device, v.get(4), "f32");
                for (long i = 0; i < n; i++) {
                    y.putD(i, a * (float) x.getD(i) + (addOne != 0 ? 1f : 0f));
                }
                return;
            }
            case "shift_f64": {
                assertEquals("JPDP", signature, function + "'s arguments");
                long n = (Long) v.get(0);
                Typed x = typed(device, v.get(1), "f64");
                double b = (Double) v.get(2);
                Typed y = typed(device, v.get(3), "f64");
                for (long i = 0; i < n; i++) {
                    y.putD(i, x.getD(i) + b);
                }
                return;
            }
            default:
                throw new AssertionError("no emulation of user kernel " + function);
        }
    }

    private void copy(int device, String function, List<Object> v) {
        String[] parts = function.split("_");
        String from = parts[1];
        String to = parts[3];
        StructReader l = layout(v, 2);
        Typed src = typed(device, v.get(1), from);
        Typed dst = typed(device, v.get(2), to);
        for (long i = 0; i < l.at(StructReader.L_NUMEL); i++) {
            long o = l.layoutElement(0, i);
            long s = l.layoutElement(1, i);
            switch (to) {
                case "b8":
                    dst.putJ(o, src.isWhole() ? (src.getJ(s) != 0 ? 1 : 0) : (src.getD(s) != 0 ? 1 : 0));
                    break;
                case "i64":
                    dst.putJ(o, src.isWhole() ? src.getJ(s) : (long) src.getD(s));
                    break;
                case "f32":
                    dst.putD(o, src.isWhole() ? (float) src.getJ(s) : (float) src.getD(s));
                    break;
                default:
                    dst.putD(o, src.isWhole() ? (double) src.getJ(s) : src.getD(s));
                    break;
            }
        }
    }

    private void unary(int device, String t, List<Object> v) {
        StructReader l = layout(v, 2);
        UnaryOp op = UnaryOp.values()[(Integer) v.get(1)];
        Typed in = typed(device, v.get(2), t);
        Typed out = typed(device, v.get(3), t);
        assertTrue(!t.equals("i64") || op.accepts(DType.INT64), "unary_i64 is never launched with " + op);
        for (long i = 0; i < l.at(StructReader.L_NUMEL); i++) {
            long o = l.layoutElement(0, i);
            long s = l.layoutElement(1, i);
            if (t.equals("i64")) {
                long x = in.getJ(s);
                switch (op) {
                    case NEG:
                        out.putJ(o, -x);
                        break;
                    case ABS:
                        out.putJ(o, Math.abs(x));
                        break;
                    case RELU:
                        out.putJ(o, Math.max(x, 0));
                        break;
                    case SIGN:
                        out.putJ(o, Long.signum(x));
                        break;
                    default:
                        throw new AssertionError("unary_i64 has no op " + op);
                }
                continue;
            }
            double x = in.getD(s);
            double r;
            switch (op) {
                case NEG:
                    r = -x;
                    break;
                case ABS:
                    r = Math.abs(x);
                    break;
                case EXP:
                    r = Math.exp(x);
                    break;
                case LOG:
                    r = Math.log(x);
                    break;
                case SQRT:
                    r = Math.sqrt(x);
                    break;
                case SIN:
                    r = Math.sin(x);
                    break;
                case COS:
                    r = Math.cos(x);
                    break;
                case TANH:
                    r = Math.tanh(x);
                    break;
                case SIGMOID:
                    r = 1 / (1 + Math.exp(-x));
                    break;
                case RELU:
                    r = Double.isNaN(x) ? x : Math.max(x, 0);
                    break;
                case SIGN:
                    r = Math.signum(x);
                    break;
                case LOG1P:
                    r = Math.log1p(x);
                    break;
                case RSQRT:
                    r = 1 / Math.sqrt(x);
                    break;
                case ERF:
                    r = erf(x);
                    break;
                case GELU:
                    r = 0.5 * x * (1 + erf(x / Math.sqrt(2)));
                    break;
                case GELU_SLOPE:
                    r = 0.5 * (1 + erf(x / Math.sqrt(2))) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
                    break;
                default:
                    throw new AssertionError("no unary op " + op);
            }
            out.putD(o, r);
        }
    }

    /**
     * erf by Simpson's rule on {@code 2/sqrt(pi) exp(-t^2)} over [0, x] (2000 intervals, within 1e-9):
     * a reference independent of the CPU backend's series, for the emulated {@code unary} kernel.
     */
    private static double erf(double x) {
        if (Double.isNaN(x) || Math.abs(x) > 6) {
            return Double.isNaN(x) ? x : Math.signum(x);
        }
        int n = 2000;
        double h = x / n;
        double sum = 1 + Math.exp(-x * x);
        for (int i = 1; i < n; i++) {
            double t = i * h;
            sum += (i % 2 == 1 ? 4 : 2) * Math.exp(-t * t);
        }
        return 2 / Math.sqrt(Math.PI) * sum * h / 3;
    }

    private void clamp(int device, String t, List<Object> v) {
        StructReader l = layout(v, 2);
        Typed in = typed(device, v.get(1), t);
        Typed out = typed(device, v.get(2), t);
        double lo = (Double) v.get(3);
        double hi = (Double) v.get(4);
        for (long i = 0; i < l.at(StructReader.L_NUMEL); i++) {
            long o = l.layoutElement(0, i);
            long s = l.layoutElement(1, i);
            if (t.equals("i64")) {
                long x = in.getJ(s);
                out.putJ(o, x < lo ? (long) Math.ceil(lo) : x > hi ? (long) Math.floor(hi) : x);
            } else if (t.equals("f32")) {
                out.putD(o, Math.min(Math.max((float) in.getD(s), (float) lo), (float) hi));
            } else {
                out.putD(o, Math.min(Math.max(in.getD(s), lo), hi));
            }
        }
    }

    private void binary(int device, String kind, String t, List<Object> v) {
        StructReader l = layout(v, 3);
        BinaryOp op = BinaryOp.values()[(Integer) v.get(1)];
        Typed a = typed(device, v.get(2), t);
        Typed b = typed(device, v.get(3), t);
        Typed out = typed(device, v.get(4), kind.equals("compare") ? "b8" : t);
        assertEquals(kind.equals("compare"), op.isComparison(), kind + "_" + t + " got op " + op);
        assertFalse(t.equals("i64") && op == BinaryOp.DIV, "int64 DIV is never launched");
        for (long i = 0; i < l.at(StructReader.L_NUMEL); i++) {
            long o = l.layoutElement(0, i);
            long sa = l.layoutElement(1, i);
            long sb = l.layoutElement(2, i);
            if (op.isComparison()) {
                int c = t.equals("i64") ? Long.compare(a.getJ(sa), b.getJ(sb)) : 0;
                double x = a.getD(sa);
                double y = b.getD(sb);
                boolean r;
                if (t.equals("i64")) {
                    r = op == BinaryOp.GT ? c > 0 : op == BinaryOp.GE ? c >= 0 : op == BinaryOp.LT ? c < 0
                            : op == BinaryOp.LE ? c <= 0 : op == BinaryOp.EQ ? c == 0 : c != 0;
                } else {
                    r = op == BinaryOp.GT ? x > y : op == BinaryOp.GE ? x >= y : op == BinaryOp.LT ? x < y
                            : op == BinaryOp.LE ? x <= y : op == BinaryOp.EQ ? x == y : x != y;
                }
                out.putJ(o, r ? 1 : 0);
            } else if (t.equals("i64")) {
                long x = a.getJ(sa);
                long y = b.getJ(sb);
                long r = op == BinaryOp.ADD ? x + y : op == BinaryOp.SUB ? x - y : op == BinaryOp.MUL ? x * y
                        : op == BinaryOp.MAXIMUM ? Math.max(x, y) : op == BinaryOp.MINIMUM ? Math.min(x, y) : powLong(x, y);
                out.putJ(o, r);
            } else {
                double x = a.getD(sa);
                double y = b.getD(sb);
                double r = op == BinaryOp.ADD ? x + y : op == BinaryOp.SUB ? x - y : op == BinaryOp.MUL ? x * y
                        : op == BinaryOp.DIV ? x / y : op == BinaryOp.POW ? Math.pow(x, y)
                        : op == BinaryOp.MAXIMUM ? Math.max(x, y) : Math.min(x, y);
                out.putD(o, r);
            }
        }
    }

    /** Integer pow as the CPU computes it: PyTorch's powi for negative exponents. */
    private static long powLong(long base, long exp) {
        if (exp < 0) {
            return base == 1 ? 1 : base == -1 ? ((exp & 1) == 0 ? 1 : -1) : 0;
        }
        long result = 1;
        for (long b = base, e = exp; e > 0; e >>= 1, b *= b) {
            if ((e & 1) != 0) {
                result *= b;
            }
        }
        return result;
    }

    private void reduce(int device, String t, List<Object> v) {
        StructReader r = rows(v);
        int op = (Integer) v.get(1);
        Typed in = typed(device, v.get(2), t);
        Typed out = typed(device, v.get(3), t);
        for (long row = 0; row < r.at(StructReader.R_ROWS); row++) {
            if (t.equals("i64")) {
                long acc = op == 0 ? 0 : op == 1 ? Long.MIN_VALUE : Long.MAX_VALUE;
                for (long j = 0; j < r.at(StructReader.R_LEN); j++) {
                    long x = in.getJ(r.rowIn(row, j));
                    acc = op == 0 ? acc + x : op == 1 ? Math.max(acc, x) : Math.min(acc, x);
                }
                out.putJ(r.rowOut(row), acc);
            } else {
                double acc = op == 0 ? 0 : op == 1 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                for (long j = 0; j < r.at(StructReader.R_LEN); j++) {
                    double x = in.getD(r.rowIn(row, j));
                    acc = op == 0 ? acc + x : op == 1 ? Math.max(acc, x) : Math.min(acc, x);
                }
                out.putD(r.rowOut(row), acc);
            }
        }
    }

    private void argmax(int device, String t, List<Object> v) {
        StructReader r = rows(v);
        assertEquals(0, r.at(StructReader.R_RED_OUT), "argmax writes one element per row");
        Typed in = typed(device, v.get(1), t);
        Typed out = typed(device, v.get(2), "i64");
        for (long row = 0; row < r.at(StructReader.R_ROWS); row++) {
            long at = 0;
            if (t.equals("i64")) {
                long best = in.getJ(r.rowIn(row, 0));
                for (long j = 1; j < r.at(StructReader.R_LEN); j++) {
                    long x = in.getJ(r.rowIn(row, j));
                    if (x > best) {
                        best = x;
                        at = j;
                    }
                }
            } else {
                double best = in.getD(r.rowIn(row, 0));
                for (long j = 1; j < r.at(StructReader.R_LEN) && !Double.isNaN(best); j++) {
                    double x = in.getD(r.rowIn(row, j));
                    if (x > best || Double.isNaN(x)) {
                        best = x;
                        at = j;
                    }
                }
            }
            out.putJ(r.rowOut(row), at);
        }
    }

    private void cumsum(int device, String t, List<Object> v) {
        StructReader r = rows(v);
        Typed in = typed(device, v.get(1), t);
        Typed out = typed(device, v.get(2), t);
        for (long row = 0; row < r.at(StructReader.R_ROWS); row++) {
            long whole = 0;
            double sum = 0;
            for (long j = 0; j < r.at(StructReader.R_LEN); j++) {
                if (t.equals("i64")) {
                    whole += in.getJ(r.rowIn(row, j));
                    out.putJ(r.rowOut(row, j), whole);
                } else {
                    sum += in.getD(r.rowIn(row, j));
                    out.putD(r.rowOut(row, j), sum);
                }
            }
        }
    }

    private void softmax(int device, String t, List<Object> v) {
        StructReader r = rows(v);
        int log = (Integer) v.get(1);
        Typed in = typed(device, v.get(2), t);
        Typed out = typed(device, v.get(3), t);
        long len = r.at(StructReader.R_LEN);
        for (long row = 0; row < r.at(StructReader.R_ROWS); row++) {
            double max = Double.NEGATIVE_INFINITY;
            for (long j = 0; j < len; j++) {
                max = Math.max(max, in.getD(r.rowIn(row, j)));
            }
            double sum = 0;
            for (long j = 0; j < len; j++) {
                sum += Math.exp(in.getD(r.rowIn(row, j)) - max);
            }
            for (long j = 0; j < len; j++) {
                double x = in.getD(r.rowIn(row, j)) - max;
                out.putD(r.rowOut(row, j), log != 0 ? x - Math.log(sum) : Math.exp(x) / sum);
            }
        }
    }

    /**
     * {@code gemm_L_T}: {@code layout} (L) is a's letter then b's, {@code t} for an operand stored
     * transposed; element (i, l) of a[p] is {@code a[p * strideA + i * lda + l]}, or
     * {@code a[p * strideA + l * lda + i]} transposed, and likewise b; c is contiguous.
     */
    private void gemmKernel(int device, String t, String layout, int gridX, int gridY, int gridZ, List<Object> v) {
        long batch = (Long) v.get(0);
        long n = (Long) v.get(1);
        long k = (Long) v.get(2);
        long m = (Long) v.get(3);
        long lda = (Long) v.get(5);
        long strideA = (Long) v.get(6);
        long ldb = (Long) v.get(8);
        long strideB = (Long) v.get(9);
        boolean transA = layout.charAt(0) == 't';
        boolean transB = layout.charAt(1) == 't';
        assertTrue(batch > 0 && n > 0 && k > 0 && m > 0, "gemm sizes " + batch + ", " + n + ", " + k + ", " + m);
        assertTrue(lda >= (transA ? n : k) && ldb >= (transB ? k : m), "gemm leading dimensions " + lda + ", " + ldb);
        assertTrue(strideA >= 0 && strideB >= 0, "gemm batch strides " + strideA + ", " + strideB);
        assertEquals((m + 127) / 128, gridX, "gemm grid x = ceil(m / 128)");
        assertEquals((n + 127) / 128, gridY, "gemm grid y = ceil(n / 128)");
        assertEquals(batch, gridZ, "gemm grid z = batch");
        Typed a = typed(device, v.get(4), t);
        Typed b = typed(device, v.get(7), t);
        Typed c = typed(device, v.get(10), t);
        for (long p = 0; p < batch; p++) {
            for (long i = 0; i < n; i++) {
                for (long j = 0; j < m; j++) {
                    long s = 0;
                    double d = 0;
                    for (long l = 0; l < k; l++) {
                        long ai = p * strideA + (transA ? l * lda + i : i * lda + l);
                        long bi = p * strideB + (transB ? j * ldb + l : l * ldb + j);
                        if (t.equals("i64")) {
                            s += a.getJ(ai) * b.getJ(bi);
                        } else {
                            d += a.getD(ai) * b.getD(bi);
                        }
                    }
                    if (t.equals("i64")) {
                        c.putJ(p * n * m + i * m + j, s);
                    } else {
                        c.putD(p * n * m + i * m + j, d);
                    }
                }
            }
        }
    }

    /** {@code sgd_T}: the CPU's SgdKernels, element by element, each operation rounded to T (see ABI.md). */
    private void sgd(int device, String t, List<Object> v) {
        long n = (Long) v.get(0);
        Typed p = typed(device, v.get(1), t);
        Typed g = typed(device, v.get(2), t);
        Typed buf = typed(device, v.get(3), t);
        int flags = (Integer) v.get(4);
        double lr = (Double) v.get(5);
        double momentum = (Double) v.get(6);
        double dampening = (Double) v.get(7);
        double weightDecay = (Double) v.get(8);
        boolean single = t.equals("f32");
        double negLr = round(single, -lr);
        double wd = round(single, weightDecay);
        double m = round(single, momentum);
        double keep = round(single, 1 - dampening);
        for (long i = 0; i < n; i++) {
            double d = (flags & 4) != 0 ? -g.getD(i) : g.getD(i);
            if (weightDecay != 0) {
                d = round(single, d + round(single, p.getD(i) * wd));
            }
            if (momentum != 0) {
                double b = (flags & 1) != 0 ? d
                        : round(single, round(single, buf.getD(i) * m) + (dampening != 0 ? round(single, d * keep) : d));
                buf.putD(i, b);
                d = (flags & 2) != 0 ? round(single, d + round(single, b * m)) : b;
            }
            p.putD(i, round(single, p.getD(i) + round(single, d * negLr)));
        }
    }

    /** {@code adam_T}: the CPU's AdamKernel, element by element (see ABI.md). */
    private void adam(int device, String t, List<Object> v) {
        long n = (Long) v.get(0);
        Typed p = typed(device, v.get(1), t);
        Typed g = typed(device, v.get(2), t);
        Typed m = typed(device, v.get(3), t);
        Typed s = typed(device, v.get(4), t);
        Typed max = typed(device, v.get(5), t);
        int flags = (Integer) v.get(6);
        double beta1 = (Double) v.get(7);
        double beta2 = (Double) v.get(8);
        double eps = (Double) v.get(9);
        double weightDecay = (Double) v.get(10);
        double decay = (Double) v.get(11);
        double stepSize = (Double) v.get(12);
        double bc2Sqrt = (Double) v.get(13);
        boolean amsgrad = (flags & 1) != 0;
        boolean maximize = (flags & 2) != 0;
        boolean decoupled = (flags & 4) != 0;
        boolean single = t.equals("f32");
        for (long i = 0; i < n; i++) {
            double grad = maximize ? -g.getD(i) : g.getD(i);
            double param = p.getD(i);
            if (decoupled) {
                param = round(single, param * decay);
            } else if (weightDecay != 0) {
                grad += weightDecay * param;
            }
            double mi = round(single, beta1 * m.getD(i) + (1 - beta1) * grad);
            double vi = round(single, beta2 * s.getD(i) + (1 - beta2) * grad * grad);
            m.putD(i, mi);
            s.putD(i, vi);
            double second = vi;
            if (amsgrad) {
                second = Math.max(max.getD(i), vi);
                max.putD(i, second);
            }
            p.putD(i, param - stepSize * mi / (Math.sqrt(second) / bc2Sqrt + eps));
        }
    }

    private static double round(boolean single, double x) {
        return single ? (float) x : x;
    }

    // ---------------------------------------------------------------- checks and typed memory

    /** The Layout in argument 0, checked: {@code operands} slots used, the others zero. */
    private static StructReader layout(List<Object> v, int operands) {
        StructReader l = new StructReader((byte[]) v.get(0));
        long nd = l.at(StructReader.L_ND);
        assertTrue(nd >= 1 && nd <= 8, "Layout.nd = " + nd);
        long numel = 1;
        for (int d = 0; d < 8; d++) {
            long size = l.at(StructReader.L_SHAPE + d);
            if (d < nd) {
                assertTrue(size >= 1, "Layout.shape[" + d + "] = " + size);
                numel *= size;
            } else {
                assertEquals(0, size, "Layout.shape[" + d + "] beyond nd");
            }
            for (int k = 0; k < 4; k++) {
                if (d >= nd || k >= operands) {
                    assertEquals(0, l.at(StructReader.L_STRIDE + 8 * k + d), "Layout.stride[" + k + "][" + d + "]");
                }
            }
        }
        for (int k = operands; k < 4; k++) {
            assertEquals(0, l.at(StructReader.L_OFFSET + k), "Layout.offset[" + k + "] of an unused slot");
        }
        assertTrue(numel > 0, "an empty Layout");
        assertEquals(numel, l.at(StructReader.L_NUMEL), "Layout.numel");
        return l;
    }

    /** The Rows in argument 0, checked. */
    private static StructReader rows(List<Object> v) {
        StructReader r = new StructReader((byte[]) v.get(0));
        long rows = checkGroup(r, StructReader.R_KEEP_ND, StructReader.R_KEEP_SHAPE, "keep");
        long len = checkGroup(r, StructReader.R_RED_ND, StructReader.R_RED_SHAPE, "red");
        assertEquals(rows, r.at(StructReader.R_ROWS), "Rows.rows");
        assertEquals(len, r.at(StructReader.R_LEN), "Rows.len");
        assertTrue(rows >= 1 && len >= 1, "an empty Rows");
        return r;
    }

    private static long checkGroup(StructReader r, int ndField, int shapeField, String name) {
        long nd = r.at(ndField);
        assertTrue(nd >= 1 && nd <= 8, name + "Nd = " + nd);
        long n = 1;
        for (int d = 0; d < 8; d++) {
            long size = r.at(shapeField + d);
            if (d < nd) {
                n *= size;
            } else {
                for (int g = 0; g < 3; g++) {
                    assertEquals(0, r.at(shapeField + 8 * g + d), name + " field " + g + " beyond nd");
                }
            }
        }
        return n;
    }

    private void checkDevice(int device) {
        assertTrue(device >= 0 && device < devices, "no device " + device);
    }

    private ByteBuffer buffer(int device, CUdeviceptr ptr) {
        Address a = (Address) ptr;
        ByteBuffer b = buffers.get(a.id);
        assertNotNull(b, "use of freed or unknown memory " + a);
        assertEquals(device, (int) deviceOf.get(a.id), "memory of cuda:" + deviceOf.get(a.id) + " used on cuda:" + device);
        return b;
    }

    private Typed typed(int device, Object ptr, String t) {
        return new Typed(buffer(device, (CUdeviceptr) ptr), ((Address) ptr).offset, t);
    }

    private Typed typed(int device, CUdeviceptr ptr, DType dtype) {
        return typed(device, ptr, Kernels.suffix(dtype));
    }

    /** Elements of one type from a pointer: index {@code i} is the element {@code i} past it. */
    private static final class Typed {
        final ByteBuffer b;
        final long base;
        final String t;
        final int size;

        Typed(ByteBuffer b, long base, String t) {
            this.b = b;
            this.base = base;
            this.t = t;
            this.size = t.equals("f32") ? 4 : t.equals("b8") ? 1 : 8;
        }

        boolean isWhole() {
            return t.equals("i64") || t.equals("b8");
        }

        private int at(long i) {
            long byteAt = base + i * size;
            assertTrue(i >= 0 && byteAt + size <= b.capacity(), "element " + i + " outside its allocation");
            return (int) byteAt;
        }

        double getD(long i) {
            switch (t) {
                case "f32":
                    return b.getFloat(at(i));
                case "f64":
                    return b.getDouble(at(i));
                default:
                    return getJ(i);
            }
        }

        long getJ(long i) {
            switch (t) {
                case "i64":
                    return b.getLong(at(i));
                case "b8":
                    return b.get(at(i));
                default:
                    throw new AssertionError("integer read of " + t);
            }
        }

        void putD(long i, double v) {
            switch (t) {
                case "f32":
                    b.putFloat(at(i), (float) v);
                    return;
                case "f64":
                    b.putDouble(at(i), v);
                    return;
                default:
                    throw new AssertionError("floating write to " + t);
            }
        }

        void putJ(long i, long v) {
            switch (t) {
                case "i64":
                    b.putLong(at(i), v);
                    return;
                case "b8":
                    assertTrue(v == 0 || v == 1, "a bool of " + v);
                    b.put(at(i), (byte) v);
                    return;
                default:
                    throw new AssertionError("integer write to " + t);
            }
        }

        /** fill_T's conversion of its double value. */
        void putFill(long i, double v) {
            if (t.equals("b8")) {
                putJ(i, v != 0 ? 1 : 0);
            } else if (t.equals("i64")) {
                putJ(i, (long) v);
            } else {
                putD(i, v);
            }
        }

        void copyFrom(long i, Typed src, long j) {
            if (isWhole()) {
                putJ(i, src.getJ(j));
            } else {
                putD(i, src.getD(j));
            }
        }
    }
}
