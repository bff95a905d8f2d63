package dev.nabla.backend.cuda;

import com.google.auto.service.AutoService;
import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Tensor;
import dev.nabla.backend.Backend;
import dev.nabla.backend.BinaryOp;
import dev.nabla.backend.ReduceOp;
import dev.nabla.backend.Storage;
import dev.nabla.backend.UnaryOp;
import dev.nabla.backend.cpu.CpuBackend;
import dev.nabla.backend.cpu.CpuStorage;
import dev.nabla.internal.Shapes;
import dev.nabla.internal.TensorAccess;
import java.util.random.RandomGenerator;
import jcuda.driver.CUdeviceptr;

/**
 * The CUDA backend: tensors in device memory ({@link CudaStorage}) and every operation a launch
 * of a PTX kernel from {@code nabla_kernels.cu}, through JCuda's driver API.
 *
 * <p>How the SPI maps onto the kernels of {@code runtime/src/main/cuda/nabla_kernels.cu}:
 * elementwise operations pass a {@code Layout} struct that describes up to four strided operands
 * over one coalesced iteration space; reductions, argmax and softmax pass a {@code Rows} struct;
 * matrix products run cuBLAS where it loads and the {@code gemm_L_T} kernels otherwise; random
 * numbers are drawn on the host with the caller's generator (so a seed gives the CPU's values)
 * and copied over. Temporary device buffers are freed as soon as their last kernel is issued.
 *
 * <p>Nothing here touches JCuda until a method other than {@link #name()}, {@link #deviceType()}
 * and {@link #priority()} is called: {@link dev.nabla.backend.Backends} constructs every backend
 * at start-up, GPU or not.
 */
@AutoService(Backend.class)
public final class CudaBackend implements Backend {
    private static final TensorAccess ACCESS = TensorAccess.get();
    /** Host-side work (drawing random numbers, converting what was copied back) runs on the CPU's kernels. */
    private static final CpuBackend HOST = new CpuBackend();
    /** The grid-y and grid-z limit of a launch. */
    private static final long MAX_GRID_YZ = 65_535;
    /** The rows and columns of {@code c} one block of the {@code gemm_L_T} kernels computes. */
    private static final long GEMM_TILE = 128;

    /** Creates the backend; {@link java.util.ServiceLoader} calls this. It loads nothing. */
    public CudaBackend() {}

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String deviceType() {
        return "cuda";
    }

    @Override
    public boolean isAvailable() {
        return availabilityReason().isEmpty();
    }

    @Override
    public String unavailableReason() {
        return availabilityReason();
    }

    /** Why CUDA cannot run here (no driver, no device, no kernels), probed once; empty when it can. */
    static String availabilityReason() {
        return CudaDriver.current().unavailableReason();
    }

    // ---------------------------------------------------------------- storage and operands

    @Override
    public Storage allocate(DType dtype, long numel, Device device) {
        return CudaStorage.allocate(dtype, numel, deviceIndex(device), true);
    }

    /** Without the memset that {@link #allocate} issues. */
    @Override
    public Storage allocateUninitialized(DType dtype, long numel, Device device) {
        return CudaStorage.allocate(dtype, numel, deviceIndex(device), false);
    }

    /**
     * @throws IllegalStateException if CUDA is not available here
     * @throws IllegalArgumentException if {@code device} is not a CUDA device of this machine
     */
    private static int deviceIndex(Device device) {
        if (!device.isCuda()) {
            throw new IllegalArgumentException("the CUDA backend cannot allocate on " + device);
        }
        CudaDriver.requireAvailable();
        CudaDriver.checkDevice(device.index());
        return device.index();
    }

    private static CudaStorage storage(Tensor t) {
        Storage s = t.storage();
        if (!(s instanceof CudaStorage)) {
            throw new IllegalArgumentException("the CUDA backend got a tensor on " + t.device());
        }
        return (CudaStorage) s;
    }

    private static boolean onCuda(Tensor t) {
        return t.storage() instanceof CudaStorage;
    }

    /** The device address of element 0 of {@code t}'s storage; kernels add the offsets themselves. */
    private static CUdeviceptr base(Tensor t) {
        return storage(t).base(t);
    }

    /** The device address of {@code t}'s first element. */
    private static CUdeviceptr first(Tensor t) {
        return base(t).withByteOffset(t.storageOffset() * t.dtype().byteSize());
    }

    private static int device(Tensor t) {
        return storage(t).deviceIndex();
    }

    private static long[] shape(Tensor t) {
        return ACCESS.shape(t);
    }

    private static long[] stride(Tensor t) {
        return ACCESS.stride(t);
    }

    private static String sfx(Tensor t) {
        return Kernels.suffix(t.dtype());
    }

    /** An uninitialised contiguous device tensor, for intermediate results; free it with {@link #release}. */
    private static Tensor scratch(DType dtype, long[] shape, int device) {
        CudaStorage s = CudaStorage.allocate(dtype, Shapes.numel(shape), device, false);
        return ACCESS.make(s, shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    /** Frees a buffer from {@link #scratch} (the driver waits for the kernels already issued on it). */
    private static void release(Tensor scratch) {
        if (scratch != null) {
            ((CudaStorage) scratch.storage()).free();
        }
    }

    private static Driver driver() {
        return CudaDriver.current();
    }

    private static void launch(int device, String kernel, int grid, KernelArgs args) {
        driver().launch(device, Kernels.module(), kernel, grid, 1, 1, CudaDriver.BLOCK, args);
    }

    /** Launches an elementwise kernel over {@code layout}, one thread per element, grid-stride beyond. */
    private static void launchElementwise(int device, String kernel, Layout layout, KernelArgs args) {
        launch(device, kernel, CudaDriver.blocksFor(layout.numel()), args);
    }

    /**
     * Launches a kernel with the contiguous path (fill, copy, unary, clamp, binary, compare, where)
     * over {@code layout}, whose operands 0, 1, ... have {@code dtypes}. When every operand is one
     * dimension of unit strides, a thread of the kernel maps 16 bytes of the widest operand per
     * step (when aligned; otherwise it strides over elements): one thread per such pack, in at
     * most as many blocks as the device runs of this kernel at once, since more would only wait
     * for a free multiprocessor while each resident thread's loop can take their packs.
     * Otherwise one thread per element.
     */
    private static void launchMap(int device, String kernel, Layout layout, KernelArgs args, DType... dtypes) {
        boolean contiguous = layout.nd() == 1;
        int widest = 1;
        for (int k = 0; k < dtypes.length; k++) {
            contiguous &= layout.stride(k)[0] == 1;
            widest = Math.max(widest, dtypes[k].byteSize());
        }
        if (!contiguous) {
            launchElementwise(device, kernel, layout, args);
            return;
        }
        long perThread = 16 / widest;
        int blocks = CudaDriver.blocksFor((layout.numel() + perThread - 1) / perThread);
        launch(device, kernel, Math.min(blocks, driver().residentBlocks(device, Kernels.module(), kernel)), args);
    }

    // ---------------------------------------------------------------- copy and fill

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (dst.numel() == 0) {
            return;
        }
        boolean fromDevice = onCuda(src);
        boolean toDevice = onCuda(dst);
        if (fromDevice && toDevice) {
            if (device(src) == device(dst)) {
                copyOnDevice(src, dst);
            } else {
                // Between two GPUs: through the host, which is simple and rare.
                upload(download(src), dst);
            }
        } else if (toDevice) {
            upload(src, dst);
        } else if (fromDevice) {
            downloadInto(src, dst);
        } else {
            throw new IllegalArgumentException("the CUDA backend was asked to copy between two tensors on " + src.device()
                    + " and " + dst.device());
        }
    }

    /** {@code dst = src} on one device, converting the dtype and following both layouts. */
    private static void copyOnDevice(Tensor src, Tensor dst) {
        int dev = device(dst);
        if (src.dtype() == dst.dtype() && src.isContiguous() && dst.isContiguous()) {
            driver().copyOnDevice(dev, first(dst), first(src), dst.numel() * dst.dtype().byteSize());
            return;
        }
        Layout l = Layout.of(dst, src);
        launchMap(dev, "copy_" + sfx(src) + "_to_" + sfx(dst), l,
                new KernelArgs().struct(l.pack()).pointer(base(src)).pointer(base(dst)), dst.dtype(), src.dtype());
    }

    /** Host {@code src} into device {@code dst}: the host makes it contiguous, the device converts and scatters. */
    private static void upload(Tensor src, Tensor dst) {
        Tensor host = hostContiguous(src);
        int dev = device(dst);
        long n = dst.numel();
        Object array = hostStorage(host).array();
        int from = (int) host.storageOffset();
        if (array instanceof boolean[]) {
            // The device's BOOL is one byte per element.
            array = toBytes((boolean[]) array, from, (int) n);
            from = 0;
        }
        long bytes = n * src.dtype().byteSize();
        if (src.dtype() == dst.dtype() && dst.isContiguous()) {
            driver().copyToDevice(dev, first(dst), array, from, bytes);
            return;
        }
        Tensor staged = scratch(src.dtype(), shape(dst), dev);
        try {
            driver().copyToDevice(dev, first(staged), array, from, bytes);
            copyOnDevice(staged, dst);
        } finally {
            release(staged);
        }
    }

    private static byte[] toBytes(boolean[] values, int from, int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = values[from + i] ? (byte) 1 : 0;
        }
        return bytes;
    }

    /** Device {@code src} into host {@code dst}, converting on the host exactly as the CPU backend does. */
    private static void downloadInto(Tensor src, Tensor dst) {
        CpuStorage out = hostStorage(dst);
        if (src.dtype() == dst.dtype() && dst.isContiguous() && src.dtype() != DType.BOOL) {
            Tensor dev = deviceContiguous(src);
            try {
                driver().copyToHost(device(dev), out.array(), (int) dst.storageOffset(), first(dev),
                        dst.numel() * dst.dtype().byteSize());
            } finally {
                if (dev != src) {
                    release(dev);
                }
            }
            return;
        }
        HOST.copy(download(src), dst);
    }

    /** A new contiguous host tensor with {@code src}'s shape, dtype and elements. */
    private static Tensor download(Tensor src) {
        Tensor dev = deviceContiguous(src);
        try {
            long n = src.numel();
            if (n > Shapes.MAX_CPU_NUMEL) {
                throw new IllegalArgumentException("a CUDA tensor of " + n + " elements does not fit in a CPU tensor (at most "
                        + Shapes.MAX_CPU_NUMEL + ")");
            }
            long bytes = n * src.dtype().byteSize();
            CpuStorage host;
            if (src.dtype() == DType.BOOL) {
                byte[] raw = new byte[(int) n];
                driver().copyToHost(device(dev), raw, 0, first(dev), bytes);
                boolean[] values = new boolean[raw.length];
                for (int i = 0; i < raw.length; i++) {
                    values[i] = raw[i] != 0;
                }
                host = CpuStorage.wrap(values);
            } else {
                host = CpuStorage.allocate(src.dtype(), n);
                driver().copyToHost(device(dev), host.array(), 0, first(dev), bytes);
            }
            long[] sh = shape(src).clone();
            return ACCESS.make(host, sh, Shapes.contiguousStrides(sh), 0);
        } finally {
            if (dev != src) {
                release(dev);
            }
        }
    }

    /** {@code t} itself when contiguous, else a contiguous device copy to {@link #release} after use. */
    private static Tensor deviceContiguous(Tensor t) {
        if (t.isContiguous()) {
            return t;
        }
        Tensor c = scratch(t.dtype(), shape(t), device(t));
        copyOnDevice(t, c);
        return c;
    }

    /** {@code t} itself when contiguous, else a contiguous host copy. */
    private static Tensor hostContiguous(Tensor t) {
        hostStorage(t);
        if (t.isContiguous()) {
            return t;
        }
        long[] sh = shape(t).clone();
        Tensor c = ACCESS.make(CpuStorage.allocate(t.dtype(), t.numel()), sh, Shapes.contiguousStrides(sh), 0);
        HOST.copy(t, c);
        return c;
    }

    private static CpuStorage hostStorage(Tensor t) {
        if (!(t.storage() instanceof CpuStorage)) {
            throw new IllegalArgumentException("the CUDA backend copies only to and from CPU tensors held in Java arrays, got "
                    + t.storage().getClass().getName() + " on " + t.device());
        }
        return (CpuStorage) t.storage();
    }

    @Override
    public void fill(Tensor dst, double value) {
        if (dst.numel() == 0) {
            return;
        }
        Layout l = Layout.of(dst);
        launchMap(device(dst), "fill_" + sfx(dst), l, new KernelArgs().struct(l.pack()).pointer(base(dst)).f64(value),
                dst.dtype());
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void unary(UnaryOp op, Tensor in, Tensor out) {
        op.requireAccepts(in.dtype());
        if (out.numel() == 0) {
            return;
        }
        Layout l = Layout.of(out, in);
        launchMap(device(out), "unary_" + sfx(in), l,
                new KernelArgs().struct(l.pack()).i32(op.ordinal()).pointer(base(in)).pointer(base(out)), out.dtype(),
                in.dtype());
    }

    @Override
    public void clamp(Tensor in, double min, double max, Tensor out) {
        if (in.dtype() == DType.BOOL) {
            throw new UnsupportedOperationException("clamp is not defined for bool");
        }
        if (out.numel() == 0) {
            return;
        }
        Layout l = Layout.of(out, in);
        launchMap(device(out), "clamp_" + sfx(in), l,
                new KernelArgs().struct(l.pack()).pointer(base(in)).pointer(base(out)).f64(min).f64(max), out.dtype(),
                in.dtype());
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        op.requireAccepts(a.dtype());
        if (out.numel() == 0) {
            return;
        }
        Layout l = Layout.of(out, a, b);
        KernelArgs args = new KernelArgs().struct(l.pack()).i32(op.ordinal()).pointer(base(a)).pointer(base(b))
                .pointer(base(out));
        launchMap(device(out), (op.isComparison() ? "compare_" : "binary_") + sfx(a), l, args, out.dtype(), a.dtype(),
                b.dtype());
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        if (out.numel() == 0) {
            return;
        }
        Layout l = Layout.of(out, cond, a, b);
        launchMap(device(out), "where_" + sfx(a), l,
                new KernelArgs().struct(l.pack()).pointer(base(cond)).pointer(base(a)).pointer(base(b)).pointer(base(out)),
                out.dtype(), cond.dtype(), a.dtype(), b.dtype());
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public void reduce(ReduceOp op, Tensor in, int[] dims, Tensor out) {
        if (out.numel() == 0) {
            return;
        }
        if (in.dtype() == DType.BOOL) {
            // As on the CPU: reduce the values as int64, then convert the result.
            int dev = device(in);
            Tensor wide = scratch(DType.INT64, shape(in), dev);
            Tensor acc = scratch(DType.INT64, shape(out), dev);
            try {
                copyOnDevice(in, wide);
                reduce(op, wide, dims, acc);
                copyOnDevice(acc, out);
            } finally {
                release(wide);
                release(acc);
            }
            return;
        }
        Rows rows = Rows.reduce(shape(in), stride(in), in.storageOffset(), stride(out), out.storageOffset(), dims);
        if (rows.len() == 0) {
            fillIdentity(op, out);
            return;
        }
        long chunks = rows.chunksPerRow();
        if (chunks == 0) {
            launchReduce(op, rows, in, out);
            return;
        }
        Rows[] passes = rows.split(chunks);
        Tensor partial = scratch(in.dtype(), new long[] {rows.rows() * rows.partialsPerRow(chunks)}, device(in));
        try {
            launchReduce(op, passes[0], in, partial);
            if (passes[1] != null) {
                launchReduce(op, passes[1], in, partial);
            }
            launchReduce(op, passes[2], partial, out);
        } finally {
            release(partial);
        }
    }

    /** One block of 256 threads per row, grid-stride over the rows. */
    private static void launchReduce(ReduceOp op, Rows rows, Tensor in, Tensor out) {
        int grid = (int) Math.min(rows.rows(), CudaDriver.MAX_GRID);
        launch(device(in), "reduce_" + sfx(in), grid,
                new KernelArgs().struct(rows.pack()).i32(op.ordinal()).pointer(base(in)).pointer(base(out)));
    }

    /** A reduction over no elements: the operation's identity, written as the CPU writes it. */
    private static void fillIdentity(ReduceOp op, Tensor out) {
        double identity = op == ReduceOp.SUM ? 0 : op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        long[] sh = shape(out).clone();
        Tensor host = ACCESS.make(CpuStorage.allocate(out.dtype(), out.numel()), sh, Shapes.contiguousStrides(sh), 0);
        // The CPU's fill saturates an infinite identity to int64's extremes.
        HOST.fill(host, identity);
        upload(host, out);
    }

    @Override
    public void argmax(Tensor in, int dim, Tensor out) {
        if (out.numel() == 0) {
            return;
        }
        if (in.dtype() == DType.BOOL) {
            Tensor wide = scratch(DType.INT64, shape(in), device(in));
            try {
                copyOnDevice(in, wide);
                argmax(wide, dim, out);
            } finally {
                release(wide);
            }
            return;
        }
        Rows rows = Rows.alongDim(shape(in), stride(in), in.storageOffset(), stride(out), out.storageOffset(), dim, false);
        launch(device(in), "argmax_" + sfx(in), CudaDriver.blocksFor(rows.rows()),
                new KernelArgs().struct(rows.pack()).pointer(base(in)).pointer(base(out)));
    }

    @Override
    public void softmax(Tensor in, int dim, boolean log, Tensor out) {
        if (in.numel() == 0) {
            return;
        }
        Rows rows = Rows.alongDim(shape(in), stride(in), in.storageOffset(), stride(out), out.storageOffset(), dim, true);
        int grid = (int) Math.min(rows.rows(), CudaDriver.MAX_GRID);
        launch(device(in), "softmax_" + sfx(in), grid,
                new KernelArgs().struct(rows.pack()).i32(log ? 1 : 0).pointer(base(in)).pointer(base(out)));
    }

    @Override
    public void cumsum(Tensor in, int dim, Tensor out) {
        if (in.dtype() == DType.BOOL) {
            throw new UnsupportedOperationException("cumsum is not defined for bool");
        }
        if (in.numel() == 0) {
            return;
        }
        // One block per row, as softmax: a row is scanned in tiles of a block's width.
        Rows rows = Rows.alongDim(shape(in), stride(in), in.storageOffset(), stride(out), out.storageOffset(), dim, true);
        int grid = (int) Math.min(rows.rows(), CudaDriver.MAX_GRID);
        launch(device(in), "cumsum_" + sfx(in), grid, new KernelArgs().struct(rows.pack()).pointer(base(in)).pointer(base(out)));
    }

    // ---------------------------------------------------------------- matrix products

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        long[] as = shape(a);
        long batch = as[0];
        long n = as[1];
        long k = as[2];
        long m = shape(b)[2];
        if (batch == 0 || n == 0 || m == 0) {
            return;
        }
        if (k == 0) {
            fill(out, 0);
            return;
        }
        // Views whose matrices are row- or column-major (a transpose, a narrowed matrix, a broadcast
        // batch) go to the kernels and cuBLAS as they lie; only other layouts are copied first.
        MatrixLayout la = MatrixLayout.of(as, stride(a));
        MatrixLayout lb = MatrixLayout.of(shape(b), stride(b));
        Tensor ca = la == null ? deviceContiguous(a) : a;
        Tensor cb = lb == null ? deviceContiguous(b) : b;
        Tensor c = out.isContiguous() ? out : scratch(out.dtype(), shape(out), device(out));
        try {
            gemm(device(out), out.dtype(), batch, n, k, m, first(ca), la == null ? MatrixLayout.contiguous(as) : la,
                    first(cb), lb == null ? MatrixLayout.contiguous(shape(b)) : lb, first(c));
            if (c != out) {
                copyOnDevice(c, out);
            }
        } finally {
            if (ca != a) {
                release(ca);
            }
            if (cb != b) {
                release(cb);
            }
            if (c != out) {
                release(c);
            }
        }
    }

    /** {@code c[p] = a[p] b[p]} for {@code p < batch}, c contiguous, all sizes positive. */
    private static void gemm(int dev, DType dtype, long batch, long n, long k, long m, CUdeviceptr a, MatrixLayout la,
                             CUdeviceptr b, MatrixLayout lb, CUdeviceptr c) {
        boolean fitsInt = batch <= Integer.MAX_VALUE && n <= Integer.MAX_VALUE && k <= Integer.MAX_VALUE
                && m <= Integer.MAX_VALUE && la.ld() <= Integer.MAX_VALUE && lb.ld() <= Integer.MAX_VALUE;
        // cuBLAS is column-major: a row-major matrix read column-major is its transpose, and the row-major
        // c = a b is the column-major c^T = b^T a^T, so cuBLAS computes it with b first, transposing an
        // operand exactly where it is stored transposed (read column-major, that is the matrix itself).
        if (dtype.isFloatingPoint() && fitsInt && driver().gemm(dev, dtype, lb.transposed(), la.transposed(), (int) m,
                (int) n, (int) k, b, (int) lb.ld(), lb.batchStride(), a, (int) la.ld(), la.batchStride(), c, (int) m,
                n * m, (int) batch)) {
            return;
        }
        String kernel = "gemm_" + (la.transposed() ? "t" : "n") + (lb.transposed() ? "t" : "n") + "_"
                + Kernels.suffix(dtype);
        long size = dtype.byteSize();
        long rowsPerLaunch = MAX_GRID_YZ * GEMM_TILE;
        int gridX = (int) ((m + GEMM_TILE - 1) / GEMM_TILE);
        if (n <= rowsPerLaunch) {
            // Up to 65535 matrices per launch (the grid's z limit), each launch from offset pointers.
            for (long p = 0; p < batch; p += MAX_GRID_YZ) {
                long count = Math.min(MAX_GRID_YZ, batch - p);
                launchGemm(dev, kernel, gridX, count, n, k, m, a.withByteOffset(p * la.batchStride() * size), la,
                        b.withByteOffset(p * lb.batchStride() * size), lb, c.withByteOffset(p * n * m * size));
            }
            return;
        }
        // Too many rows for one grid's y: the rows of one matrix are independent, so split them.
        for (long p = 0; p < batch; p++) {
            for (long r = 0; r < n; r += rowsPerLaunch) {
                long rows = Math.min(rowsPerLaunch, n - r);
                launchGemm(dev, kernel, gridX, 1, rows, k, m,
                        a.withByteOffset((p * la.batchStride() + la.rowOffset(r)) * size), la,
                        b.withByteOffset(p * lb.batchStride() * size), lb, c.withByteOffset((p * n + r) * m * size));
            }
        }
    }

    /**
     * {@code gemm_L_T(batch, n, k, m, a, lda, strideA, b, ldb, strideB, c)}: grid
     * (ceil(m/128), ceil(n/128), batch) of 256 threads.
     */
    private static void launchGemm(int dev, String kernel, int gridX, long batch, long n, long k, long m, CUdeviceptr a,
                                   MatrixLayout la, CUdeviceptr b, MatrixLayout lb, CUdeviceptr c) {
        int gridY = (int) ((n + GEMM_TILE - 1) / GEMM_TILE);
        KernelArgs args = new KernelArgs().i64(batch).i64(n).i64(k).i64(m).pointer(a).i64(la.ld()).i64(la.batchStride())
                .pointer(b).i64(lb.ld()).i64(lb.batchStride()).pointer(c);
        driver().launch(dev, Kernels.module(), kernel, gridX, gridY, (int) batch, CudaDriver.BLOCK, args);
    }

    // ---------------------------------------------------------------- indexing

    @Override
    public void indexSelect(Tensor in, int dim, Tensor index, Tensor out) {
        if (out.numel() == 0) {
            return;
        }
        long[] along = alongDim(shape(out).length, dim, stride(index)[0]);
        Layout l = Layout.of(shape(out), new long[][] {stride(out), dimZero(stride(in), dim), along},
                new long[] {out.storageOffset(), in.storageOffset(), index.storageOffset()});
        launchGather(l, in, index, out, dim);
    }

    @Override
    public void gather(Tensor in, int dim, Tensor index, Tensor out) {
        if (out.numel() == 0) {
            return;
        }
        Layout l = Layout.of(shape(out), new long[][] {stride(out), dimZero(stride(in), dim), stride(index)},
                new long[] {out.storageOffset(), in.storageOffset(), index.storageOffset()});
        launchGather(l, in, index, out, dim);
    }

    /** {@code gather_T(L, inDimStride, in, index, out)}: {@code out[o0] = in[o1 + index[o2] * inDimStride]}. */
    private static void launchGather(Layout l, Tensor in, Tensor index, Tensor out, int dim) {
        launchElementwise(device(out), "gather_" + sfx(in), l, new KernelArgs().struct(l.pack()).i64(stride(in)[dim])
                .pointer(base(in)).pointer(base(index)).pointer(base(out)));
    }

    @Override
    public void indexAdd(Tensor out, int dim, Tensor index, Tensor src) {
        if (out.dtype() == DType.BOOL) {
            throw new UnsupportedOperationException(BinaryOp.ADD + " is not defined for bool operands");
        }
        if (src.numel() == 0) {
            return;
        }
        long[] along = alongDim(shape(src).length, dim, stride(index)[0]);
        Layout l = Layout.of(shape(src), new long[][] {stride(src), dimZero(stride(out), dim), along},
                new long[] {src.storageOffset(), out.storageOffset(), index.storageOffset()});
        launchScatterAdd(l, out, index, src, dim);
    }

    @Override
    public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        if (out.dtype() == DType.BOOL) {
            throw new UnsupportedOperationException("scatterAdd is not defined for bool");
        }
        if (src.numel() == 0) {
            return;
        }
        Layout l = Layout.of(shape(src), new long[][] {stride(src), dimZero(stride(out), dim), stride(index)},
                new long[] {src.storageOffset(), out.storageOffset(), index.storageOffset()});
        launchScatterAdd(l, out, index, src, dim);
    }

    /** {@code scatter_add_T(L, outDimStride, src, index, out)}: {@code out[o1 + index[o2] * outDimStride] += src[o0]}. */
    private static void launchScatterAdd(Layout l, Tensor out, Tensor index, Tensor src, int dim) {
        launchElementwise(device(out), "scatter_add_" + sfx(out), l, new KernelArgs().struct(l.pack())
                .i64(stride(out)[dim]).pointer(base(src)).pointer(base(index)).pointer(base(out)));
    }

    /** {@code stride} with the entry of {@code dim} set to 0: the base address of each gathered element. */
    private static long[] dimZero(long[] stride, int dim) {
        long[] s = stride.clone();
        s[dim] = 0;
        return s;
    }

    /** Strides of a 1-D index read along {@code dim} of an {@code nd}-dimensional iteration: 0 elsewhere. */
    private static long[] alongDim(int nd, int dim, long indexStride) {
        long[] s = new long[nd];
        s[dim] = indexStride;
        return s;
    }

    // ---------------------------------------------------------------- optimizers

    /** SGD's whole update in one launch of {@code sgd_T} over contiguous operands on one device. */
    @Override
    public boolean sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, boolean firstStep, double lr,
                           double momentum, double dampening, double weightDecay, boolean nesterov, boolean maximize) {
        if (!fusable(param, grad, momentumBuffer)) {
            return false;
        }
        long n = param.numel();
        if (n == 0) {
            return true;
        }
        int flags = (firstStep ? 1 : 0) | (nesterov ? 2 : 0) | (maximize ? 4 : 0);
        // Without momentum the kernel never touches its buffer operand: param's address stands in for it.
        KernelArgs args = new KernelArgs().i64(n).pointer(first(param)).pointer(first(grad))
                .pointer(first(momentumBuffer == null ? param : momentumBuffer)).i32(flags)
                .f64(lr).f64(momentumBuffer == null ? 0 : momentum).f64(dampening).f64(weightDecay);
        launch(device(param), "sgd_" + sfx(param), CudaDriver.blocksFor(n), args);
        return true;
    }

    /**
     * Whether an optimizer's fused kernel can take these operands: the parameter's floating
     * dtype throughout, contiguous, on its device (nulls are absent operands).
     */
    private boolean fusable(Tensor param, Tensor... others) {
        DType dtype = param.dtype();
        if (!dtype.isFloatingPoint() || !param.isContiguous() || !onCuda(param)) {
            return false;
        }
        for (Tensor t : others) {
            if (t != null && (t.dtype() != dtype || !t.isContiguous() || !onCuda(t) || device(t) != device(param))) {
                return false;
            }
        }
        return true;
    }

    /** Adam's whole update in one launch of {@code adam_T} over contiguous operands on one device. */
    @Override
    public boolean adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                            double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                            boolean maximize, double biasCorrection1, double biasCorrection2) {
        if (!fusable(param, grad, expAvg, expAvgSq, maxExpAvgSq)) {
            return false;
        }
        long n = param.numel();
        if (n == 0) {
            return true;
        }
        int flags = (maxExpAvgSq != null ? 1 : 0) | (maximize ? 2 : 0) | (decoupled ? 4 : 0);
        // Without AMSGrad the kernel never touches its max operand: param's address stands in for it.
        KernelArgs args = new KernelArgs().i64(n).pointer(first(param)).pointer(first(grad)).pointer(first(expAvg))
                .pointer(first(expAvgSq)).pointer(first(maxExpAvgSq == null ? param : maxExpAvgSq)).i32(flags)
                .f64(beta1).f64(beta2).f64(eps).f64(weightDecay).f64(1 - lr * weightDecay).f64(lr / biasCorrection1)
                .f64(Math.sqrt(biasCorrection2));
        launch(device(param), "adam_" + sfx(param), CudaDriver.blocksFor(n), args);
        return true;
    }

    // ---------------------------------------------------------------- random

    @Override
    public void uniform(Tensor dst, double low, double high, RandomGenerator random) {
        Tensor host = hostLike(dst);
        HOST.uniform(host, low, high, random);
        copy(host, dst);
    }

    @Override
    public void normal(Tensor dst, double mean, double std, RandomGenerator random) {
        Tensor host = hostLike(dst);
        HOST.normal(host, mean, std, random);
        copy(host, dst);
    }

    /** A contiguous host tensor of {@code t}'s shape and dtype, which the CPU fills in {@code t}'s element order. */
    private static Tensor hostLike(Tensor t) {
        long[] sh = shape(t).clone();
        return ACCESS.make(CpuStorage.allocate(t.dtype(), t.numel()), sh, Shapes.contiguousStrides(sh), 0);
    }
}
