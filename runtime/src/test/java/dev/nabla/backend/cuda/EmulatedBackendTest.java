package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.backend.BinaryOp;
import dev.nabla.backend.ReduceOp;
import dev.nabla.backend.UnaryOp;
import dev.nabla.backend.cpu.CpuBackend;
import dev.nabla.internal.Shapes;
import dev.nabla.internal.TensorAccess;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CUDA backend's host side run end to end on an {@link EmulatedDevice}: every SPI method
 * against the CPU backend on the same operands, through the awkward layouts (transposed,
 * narrowed with offsets, broadcast, size-1 and empty dimensions), with each launch checked
 * against the kernels' contract. Needs no GPU; what it cannot check is the kernels themselves.
 */
class EmulatedBackendTest {
    private static final TensorAccess ACCESS = TensorAccess.get();
    private static final DType[] ALL = {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL};

    private final CudaBackend cuda = new CudaBackend();
    private final CpuBackend cpu = new CpuBackend();
    private EmulatedDevice device;
    private Driver previous;

    @BeforeEach
    void installTheEmulator() {
        device = new EmulatedDevice(2);
        previous = CudaDriver.use(device);
        Nabla.manualSeed(42);
    }

    @AfterEach
    void restoreTheDriver() {
        CudaDriver.use(previous);
    }

    // ---------------------------------------------------------------- helpers

    private static Tensor contiguous(dev.nabla.backend.Storage s, long... shape) {
        return ACCESS.make(s, shape, Shapes.contiguousStrides(shape), 0);
    }

    /** A fresh zero-filled tensor on {@code cuda:index}. */
    private Tensor onDevice(DType dtype, int index, long... shape) {
        return contiguous(cuda.allocate(dtype, Shapes.numel(shape), Device.cuda(index)), shape);
    }

    /** {@code host}'s values in a fresh contiguous device tensor of its dtype. */
    private Tensor upload(Tensor host) {
        Tensor d = onDevice(host.dtype(), 0, host.shape());
        cuda.copy(host, d);
        return d;
    }

    /** {@code t}'s values in a fresh contiguous host tensor of its dtype. */
    private Tensor download(Tensor t) {
        Tensor h = Tensor.zeros(t.dtype(), t.shape());
        cuda.copy(t, h);
        return h;
    }

    /** A random host tensor of {@code dtype} (small whole numbers for INT64, a mix for BOOL). */
    private static Tensor random(DType dtype, long... shape) {
        Tensor r = Tensor.randn(DType.FLOAT64, shape);
        switch (dtype) {
            case INT64:
                return r.mul(4).to(DType.INT64);
            case BOOL:
                return r.gt(0);
            default:
                return r.to(dtype);
        }
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        if (expected.dtype() == DType.BOOL) {
            assertArrayEquals(expected.toBooleanArray(), actual.toBooleanArray(), what);
            return;
        }
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i])) {
                assertTrue(Double.isNaN(a[i]), what + ": element " + i + " should be NaN, was " + a[i]);
            } else {
                assertEquals(e[i], a[i], tol * (1 + Math.abs(e[i])), what + ": element " + i);
            }
        }
    }

    private void assertMatches(Tensor expectedHost, Tensor onDevice, double tol, String what) {
        assertClose(expectedHost, download(onDevice), tol, what);
    }

    // ---------------------------------------------------------------- memory and copies

    @Test
    void allocationsAreZeroFilledAndFreedOnce() {
        for (DType dtype : ALL) {
            Tensor t = onDevice(dtype, 0, 3, 2);
            assertClose(Tensor.zeros(dtype, 3, 2), download(t), 0, dtype + " zeros");
        }
        long before = Cuda.memoryAllocated();
        Tensor t = onDevice(DType.FLOAT64, 0, 5);
        assertEquals(before + CachingAllocator.MIN_BLOCK, Cuda.memoryAllocated(), "40 bytes take one 512-byte block");
        Cuda.free(t);
        Cuda.free(t);
        assertEquals(before, Cuda.memoryAllocated(), "freed at once, and once");
    }

    @Test
    void copiesConvertEveryPairOfDtypesThroughEveryLayout() {
        for (DType from : ALL) {
            Tensor host = random(from, 4, 3, 5);
            // Host views: contiguous, permuted, narrowed (an offset), broadcast.
            Tensor[] views = {host, host.transpose(0, 2), host.narrow(1, 1, 2), host.narrow(0, 2, 1).expand(4, 3, 5)};
            for (Tensor src : views) {
                for (DType to : ALL) {
                    String what = from + " -> " + to + " from " + java.util.Arrays.toString(src.stride());
                    Tensor expected = Tensor.zeros(to, src.shape());
                    cpu.copy(src, expected);
                    // Into a contiguous device tensor, then into a transposed view of one.
                    Tensor d = onDevice(to, 0, src.shape());
                    cuda.copy(src, d);
                    assertMatches(expected, d, 0, what);
                    long[] sh = src.shape();
                    Tensor backing = onDevice(to, 0, sh[2], sh[1], sh[0]);
                    Tensor strided = backing.transpose(0, 2);
                    cuda.copy(src, strided);
                    assertMatches(expected, strided, 0, what + " into a strided destination");
                    // Back to the host into another dtype and a strided host destination.
                    Tensor hostOut = Tensor.zeros(from, sh[2], sh[1], sh[0]).transpose(0, 2);
                    cuda.copy(strided, hostOut);
                    Tensor roundTrip = Tensor.zeros(from, sh);
                    cpu.copy(expected, roundTrip);
                    assertClose(roundTrip, hostOut.contiguous(), 0, what + " and back");
                }
            }
        }
    }

    @Test
    void copiesBetweenDeviceViewsAndBetweenDevices() {
        Tensor host = random(DType.FLOAT32, 6, 4);
        Tensor d = upload(host);
        Tensor view = d.narrow(0, 1, 3).t();
        Tensor out = onDevice(DType.FLOAT64, 0, 4, 3);
        cuda.copy(view, out);
        assertMatches(host.narrow(0, 1, 3).t().to(DType.FLOAT64), out, 0, "device view to device");

        Tensor other = onDevice(DType.FLOAT32, 1, 4, 3);
        cuda.copy(view, other);
        assertEquals(Device.cuda(1), other.device());
        assertMatches(host.narrow(0, 1, 3).t().contiguous(), other, 0, "cuda:0 to cuda:1");

        Tensor same = onDevice(DType.FLOAT32, 0, 6, 4);
        device.launches().clear();
        cuda.copy(d, same);
        assertTrue(device.launches().isEmpty(), "a contiguous same-dtype copy is a memcpy");
        assertMatches(host, same, 0, "memcpy");
    }

    /**
     * Contiguous operands get a thread per 16 bytes of their widest dtype, in at most as many
     * blocks as the device holds threads at once; broadcast or strided ones a thread per element.
     */
    @Test
    void elementwiseGridsFollowTheContiguousPath() {
        int deviceFull = device.residentBlocks(0, Kernels.module(), "unary_f32");
        Tensor small = onDevice(DType.FLOAT32, 0, 3000);
        Tensor large = onDevice(DType.FLOAT32, 0, 1 << 22);
        Tensor wide = onDevice(DType.FLOAT64, 0, 3000);
        Tensor flags = onDevice(DType.BOOL, 0, 3000);
        Tensor square = onDevice(DType.FLOAT32, 0, 50, 60);
        device.launches().clear();
        device.grids().clear();
        cuda.unary(UnaryOp.RELU, small, small);
        cuda.unary(UnaryOp.RELU, large, large);
        cuda.copy(small, wide);
        cuda.fill(flags, 1);
        cuda.binary(BinaryOp.LT, wide, wide, flags);
        cuda.unary(UnaryOp.RELU, square.t(), onDevice(DType.FLOAT32, 0, 60, 50));
        cuda.binary(BinaryOp.ADD, small.narrow(0, 0, 1).expand(3000), small, small);
        assertEquals(java.util.List.of("unary_f32", "unary_f32", "copy_f32_to_f64", "fill_b8", "compare_f64", "unary_f32",
                "binary_f32"), device.launches());
        // 750 packs of 4 floats; 2^20 packs, capped; 1500 pairs; 188 runs of 16 bytes; 1500 pairs; 3000 elements twice.
        assertEquals(java.util.List.of(3, Math.min(4096, deviceFull), 6, 1, 6, 12, 12), device.grids());
    }

    @Test
    void scalarsAndEmptyTensors() {
        Tensor s = upload(Tensor.scalar(2.5));
        assertEquals(2.5, download(s).item());
        Tensor e = onDevice(DType.FLOAT32, 0, 3, 0);
        device.launches().clear();
        cuda.copy(Tensor.zeros(3, 0), e);
        cuda.fill(e, 1);
        cuda.unary(UnaryOp.EXP, e, e);
        cuda.binary(BinaryOp.ADD, e, e, e);
        cuda.softmax(e, 1, false, e);
        assertTrue(device.launches().isEmpty(), "nothing is launched over an empty iteration space");
        Tensor sum = onDevice(DType.FLOAT32, 0, 3, 1);
        cuda.fill(sum, 7);
        cuda.reduce(ReduceOp.SUM, e, new int[] {1}, sum);
        assertMatches(Tensor.zeros(3, 1), sum, 0, "a sum over no elements");
    }

    @Test
    void fillWritesOnlyItsView() {
        for (DType dtype : ALL) {
            Tensor d = onDevice(dtype, 0, 4, 5);
            cuda.fill(d.narrow(1, 1, 3).narrow(0, 2, 2), 3);
            Tensor expected = Tensor.zeros(dtype, 4, 5);
            cpu.fill(expected.narrow(1, 1, 3).narrow(0, 2, 2), 3);
            assertMatches(expected, d, 0, dtype + " fill");
        }
    }

    @Test
    void uniformAndNormalDrawTheCpuValuesForAStridedDestination() {
        Tensor expected = Tensor.zeros(5, 3).t();
        cpu.uniform(expected, -1, 2, new SplittableRandom(9));
        Tensor d = onDevice(DType.FLOAT32, 0, 5, 3).t();
        cuda.uniform(d, -1, 2, new SplittableRandom(9));
        assertMatches(expected.contiguous(), d, 0, "uniform");

        Tensor n = Tensor.zeros(DType.FLOAT64, 7);
        cpu.normal(n, 1, 3, new SplittableRandom(3));
        Tensor dn = onDevice(DType.FLOAT64, 0, 7);
        cuda.normal(dn, 1, 3, new SplittableRandom(3));
        assertMatches(n, dn, 0, "normal");
    }

    // ---------------------------------------------------------------- elementwise

    @Test
    void unaryOpsOverAPermutedOperand() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor host = random(dtype, 3, 4, 2).abs().add(0.1).transpose(0, 1);
            for (UnaryOp op : UnaryOp.values()) {
                Tensor expected = Tensor.zeros(dtype, host.shape());
                cpu.unary(op, host, expected);
                Tensor in = upload(host.transpose(0, 1).contiguous()).transpose(0, 1);
                Tensor out = onDevice(dtype, 0, host.shape());
                cuda.unary(op, in, out);
                assertMatches(expected, out, 1e-6, dtype + " " + op);
            }
        }
        Tensor longs = random(DType.INT64, 2, 5).t();
        for (UnaryOp op : new UnaryOp[] {UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SIGN, UnaryOp.RELU}) {
            Tensor expected = Tensor.zeros(DType.INT64, 5, 2);
            cpu.unary(op, longs, expected);
            Tensor out = onDevice(DType.INT64, 0, 5, 2);
            cuda.unary(op, upload(longs.t().contiguous()).t(), out);
            assertMatches(expected, out, 0, "int64 " + op);
        }
        assertEquals("unary_i64", device.launches().get(device.launches().size() - 1), "int64 relu is a unary kernel");
        assertThrows(UnsupportedOperationException.class,
                () -> cuda.unary(UnaryOp.EXP, onDevice(DType.INT64, 0, 2), onDevice(DType.INT64, 0, 2)));
        assertThrows(UnsupportedOperationException.class,
                () -> cuda.unary(UnaryOp.NEG, onDevice(DType.BOOL, 0, 2), onDevice(DType.BOOL, 0, 2)));
    }

    @Test
    void clampWithEachBound() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
            Tensor host = random(dtype, 4, 6).mul(2);
            double[][] bounds = {{-1, 1}, {0, Double.POSITIVE_INFINITY}, {Double.NEGATIVE_INFINITY, 0.5}};
            for (double[] b : bounds) {
                Tensor expected = Tensor.zeros(dtype, 6, 4);
                cpu.clamp(host.t(), b[0], b[1], expected);
                Tensor out = onDevice(dtype, 0, 6, 4);
                cuda.clamp(upload(host).t(), b[0], b[1], out);
                assertMatches(expected, out, 0, dtype + " clamp " + java.util.Arrays.toString(b));
            }
        }
    }

    @Test
    void binaryOpsAndComparisonsBroadcastAndWriteStridedOutputs() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
            Tensor a = random(dtype, 3, 1, 5).expand(3, 4, 5);
            Tensor bFull = random(dtype, 4, 5).add(dtype == DType.INT64 ? 0 : 0.5);
            Tensor b = bFull.expand(3, 4, 5);
            Tensor devA = upload(a.narrow(1, 0, 1).contiguous()).expand(3, 4, 5);
            Tensor devB = upload(bFull).expand(3, 4, 5);
            for (BinaryOp op : BinaryOp.values()) {
                if (dtype == DType.INT64 && op == BinaryOp.DIV) {
                    assertThrows(UnsupportedOperationException.class, () -> cuda.binary(BinaryOp.DIV, devA, devB,
                            onDevice(DType.INT64, 0, 3, 4, 5)));
                    continue;
                }
                DType outType = op.isComparison() ? DType.BOOL : dtype;
                Tensor expected = Tensor.zeros(outType, 5, 4, 3).transpose(0, 2);
                cpu.binary(op, a, b, expected);
                Tensor out = onDevice(outType, 0, 5, 4, 3).transpose(0, 2);
                cuda.binary(op, devA, devB, out);
                assertMatches(expected.contiguous(), out, 1e-6, dtype + " " + op);
            }
        }
    }

    @Test
    void binaryWithAScalarUsesTheDefaultPath() {
        Tensor host = random(DType.FLOAT32, 3, 3);
        Tensor expected = Tensor.zeros(3, 3);
        cpu.binaryScalar(BinaryOp.MUL, host, 2.5, expected);
        Tensor out = onDevice(DType.FLOAT32, 0, 3, 3);
        cuda.binaryScalar(BinaryOp.MUL, upload(host), 2.5, out);
        assertMatches(expected, out, 0, "mul by a scalar");
    }

    @Test
    void whereSelectsThroughFourLayouts() {
        for (DType dtype : ALL) {
            Tensor cond = random(DType.BOOL, 4, 1).expand(4, 3);
            Tensor a = random(dtype, 3, 4).t();
            Tensor b = random(dtype, 3);
            Tensor expected = Tensor.zeros(dtype, 4, 3);
            cpu.where(cond, a, b.expand(4, 3), expected);
            Tensor out = onDevice(dtype, 0, 4, 3);
            cuda.where(upload(cond.contiguous()).narrow(1, 0, 1).expand(4, 3), upload(a.t().contiguous()).t(),
                    upload(b).expand(4, 3), out);
            assertMatches(expected, out, 0, dtype + " where");
        }
    }

    @Test
    void moreThanEightDimensionsAfterMergingAreRefused() {
        long[] shape = {2, 2, 2, 2, 2, 2, 2, 2, 2};
        Tensor a = onDevice(DType.FLOAT32, 0, shape);
        long[] reversed = new long[9];
        for (int d = 0; d < 9; d++) {
            reversed[d] = 1L << d;
        }
        Tensor scrambled = ACCESS.make(a.storage(), shape, reversed, 0);
        Tensor out = onDevice(DType.FLOAT32, 0, shape);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> cuda.binary(BinaryOp.ADD, scrambled, a, out));
        assertTrue(e.getMessage().contains("at most 8 dimensions"), e.getMessage());
        cuda.binary(BinaryOp.ADD, a, a, out);
    }

    // ---------------------------------------------------------------- reductions

    @Test
    void reductionsOverEverySetOfDimensionsOfAPermutedTensor() {
        int[][] dimSets = {{0}, {1}, {2}, {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}, {}};
        for (DType dtype : ALL) {
            Tensor host = random(dtype, 5, 3, 4).transpose(0, 2);
            Tensor devIn = upload(host.transpose(0, 2).contiguous()).transpose(0, 2);
            for (ReduceOp op : ReduceOp.values()) {
                for (int[] dims : dimSets) {
                    long[] outShape = host.shape();
                    for (int d : dims) {
                        outShape[d] = 1;
                    }
                    Tensor expected = Tensor.zeros(dtype, outShape);
                    cpu.reduce(op, host, dims, expected);
                    Tensor out = onDevice(dtype, 0, outShape);
                    cuda.reduce(op, devIn, dims, out);
                    assertMatches(expected, out, 1e-6, dtype + " " + op + " over " + java.util.Arrays.toString(dims));
                }
            }
        }
    }

    @Test
    void fewLongRowsReduceInTwoPasses() {
        Tensor host = random(DType.FLOAT64, 100_003);
        Tensor devIn = upload(host);
        for (ReduceOp op : ReduceOp.values()) {
            Tensor expected = Tensor.zeros(DType.FLOAT64, 1);
            cpu.reduce(op, host, new int[] {0}, expected);
            Tensor out = onDevice(DType.FLOAT64, 0, 1);
            device.launches().clear();
            cuda.reduce(op, devIn, new int[] {0}, out);
            assertEquals(java.util.List.of("reduce_f64", "reduce_f64", "reduce_f64"), device.launches(),
                    "chunks, the tail chunk, then the partial results");
            assertMatches(expected, out, 1e-12, op + " of one long row");
        }
        // Three rows of 80000 strided elements, written into a strided output.
        Tensor rows = random(DType.FLOAT32, 40_000, 3, 2);
        Tensor devRows = upload(rows);
        Tensor expected = Tensor.zeros(1, 3, 1);
        cpu.reduce(ReduceOp.SUM, rows, new int[] {0, 2}, expected);
        Tensor out = onDevice(DType.FLOAT32, 0, 2, 3, 1).narrow(0, 1, 1);
        device.launches().clear();
        long before = Cuda.memoryAllocated();
        cuda.reduce(ReduceOp.SUM, devRows, new int[] {0, 2}, out);
        assertEquals(java.util.List.of("reduce_f32", "reduce_f32"), device.launches(), "chunks without a tail, then partials");
        assertTrue(Cuda.memoryAllocated() <= before, "the partial buffer is back in the pool");
        assertMatches(expected, out, 1e-5, "few strided rows");
    }

    @Test
    void argmaxAndSoftmaxAlongEachDimension() {
        Tensor host = random(DType.FLOAT32, 3, 4, 5).transpose(1, 2);
        Tensor withNaN = host.clone();
        cpu.fill(withNaN.narrow(0, 1, 1).narrow(1, 2, 1).narrow(2, 3, 1), Double.NaN);
        for (Tensor h : new Tensor[] {host, withNaN}) {
            Tensor devIn = upload(h.transpose(1, 2).contiguous()).transpose(1, 2);
            for (int dim = 0; dim < 3; dim++) {
                long[] outShape = h.shape();
                outShape[dim] = 1;
                Tensor expected = Tensor.zeros(DType.INT64, outShape);
                cpu.argmax(h, dim, expected);
                Tensor out = onDevice(DType.INT64, 0, outShape);
                cuda.argmax(devIn, dim, out);
                assertMatches(expected, out, 0, "argmax along " + dim);
                for (boolean log : new boolean[] {false, true}) {
                    Tensor se = Tensor.zeros(h.shape());
                    cpu.softmax(h, dim, log, se);
                    long[] sh = h.shape();
                    Tensor view = onDevice(DType.FLOAT32, 0, sh[2], sh[1], sh[0]).transpose(0, 2);
                    cuda.softmax(devIn, dim, log, view);
                    assertMatches(se, view, 1e-6, (log ? "logSoftmax" : "softmax") + " along " + dim);
                }
            }
        }
        Tensor bools = random(DType.BOOL, 4, 6);
        Tensor expected = Tensor.zeros(DType.INT64, 4, 1);
        cpu.argmax(bools, 1, expected);
        Tensor out = onDevice(DType.INT64, 0, 4, 1);
        cuda.argmax(upload(bools), 1, out);
        assertMatches(expected, out, 0, "argmax of bools");
    }

    // ---------------------------------------------------------------- matrix products

    @Test
    void matmulWithTheKernelsAndWithCublas() {
        for (boolean blas : new boolean[] {false, true}) {
            device.withBlas(blas);
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
                Tensor a = random(dtype, 2, 5, 3);
                Tensor b = random(dtype, 2, 3, 7);
                checkMatmul(a, b, upload(a), upload(b), dtype + (blas ? " cuBLAS" : " kernels"));
                // Transposed operands, a broadcast batch, and a strided output.
                Tensor bt = random(dtype, 1, 7, 3);
                Tensor devBt = upload(bt).transpose(1, 2).expand(2, 3, 7);
                checkMatmul(a, bt.transpose(1, 2).expand(2, 3, 7), upload(a), devBt, dtype + " broadcast");
                boolean usedBlas = device.launches().contains("cublas");
                assertEquals(blas && dtype != DType.INT64, usedBlas, "cuBLAS used for " + dtype);
                device.launches().clear();
            }
        }
    }

    private void checkMatmul(Tensor a, Tensor b, Tensor devA, Tensor devB, String what) {
        long[] shape = {a.shape()[0], a.shape()[1], b.shape()[2]};
        Tensor expected = Tensor.zeros(a.dtype(), shape);
        cpu.matmul(a, b, expected);
        Tensor out = onDevice(a.dtype(), 0, shape);
        cuda.matmul(devA, devB, out);
        assertMatches(expected, out, 1e-5, what);
        Tensor strided = onDevice(a.dtype(), 0, shape[2], shape[1], shape[0]).transpose(0, 2);
        cuda.matmul(devA, devB, strided);
        assertMatches(expected, strided, 1e-5, what + " into a strided output");
    }

    @Test
    void matmulEdgeSizes() {
        Tensor a = random(DType.FLOAT32, 1, 2, 0);
        Tensor b = random(DType.FLOAT32, 1, 0, 3);
        Tensor out = onDevice(DType.FLOAT32, 0, 1, 2, 3);
        cuda.fill(out, 5);
        cuda.matmul(upload(a), upload(b), out);
        assertMatches(Tensor.zeros(1, 2, 3), out, 0, "k = 0 gives zeros");

        // More matrices than a grid's z holds: two launches.
        Tensor many = random(DType.FLOAT32, 65_537, 1, 2);
        Tensor by = random(DType.FLOAT32, 65_537, 2, 1);
        Tensor expected = Tensor.zeros(65_537, 1, 1);
        cpu.matmul(many, by, expected);
        Tensor o = onDevice(DType.FLOAT32, 0, 65_537, 1, 1);
        device.launches().clear();
        cuda.matmul(upload(many), upload(by), o);
        assertEquals(java.util.List.of("gemm_nn_f32", "gemm_nn_f32"), device.launches());
        assertMatches(expected, o, 1e-6, "65537 matrices");
    }

    // ---------------------------------------------------------------- indexing

    @Test
    void indexSelectAndIndexAddAlongEachDimension() {
        for (DType dtype : ALL) {
            Tensor host = random(dtype, 4, 5, 3).transpose(0, 2);
            Tensor devIn = upload(host.transpose(0, 2).contiguous()).transpose(0, 2);
            for (int dim = 0; dim < 3; dim++) {
                long size = host.shape()[dim];
                Tensor index = Tensor.of(size - 1, 0, size - 1, 1);
                Tensor devIndex = upload(Tensor.of(9L, size - 1, 0, size - 1, 1)).narrow(0, 1, 4);
                long[] outShape = host.shape();
                outShape[dim] = 4;
                Tensor expected = Tensor.zeros(dtype, outShape);
                cpu.indexSelect(host, dim, index, expected);
                Tensor out = onDevice(dtype, 0, outShape);
                cuda.indexSelect(devIn, dim, devIndex, out);
                assertMatches(expected, out, 0, dtype + " indexSelect along " + dim);

                if (dtype == DType.BOOL) {
                    int d = dim;
                    assertThrows(UnsupportedOperationException.class, () -> cuda.indexAdd(onDevice(DType.BOOL, 0,
                            host.shape()), d, devIndex, out));
                    continue;
                }
                Tensor acc = random(dtype, host.shape());
                Tensor devAcc = upload(acc);
                cpu.indexAdd(acc, dim, index, expected);
                cuda.indexAdd(devAcc, dim, devIndex, out);
                assertMatches(acc, devAcc, 1e-6, dtype + " indexAdd along " + dim + " with a repeated index");
            }
        }
    }

    @Test
    void gatherAndScatterAddAlongEachDimension() {
        SplittableRandom r = new SplittableRandom(5);
        for (DType dtype : ALL) {
            Tensor host = random(dtype, 4, 5, 3);
            Tensor devIn = upload(host);
            for (int dim = 0; dim < 3; dim++) {
                long[] ishape = {3, 4, 2};
                long[] values = new long[24];
                for (int i = 0; i < values.length; i++) {
                    values[i] = r.nextLong(host.shape()[dim]);
                }
                Tensor index = Tensor.of(values).reshape(2, 4, 3).transpose(0, 2);
                assertArrayEquals(ishape, index.shape());
                Tensor devIndex = upload(index.transpose(0, 2).contiguous()).transpose(0, 2);
                Tensor expected = Tensor.zeros(dtype, ishape);
                cpu.gather(host, dim, index, expected);
                Tensor out = onDevice(dtype, 0, ishape);
                cuda.gather(devIn, dim, devIndex, out);
                assertMatches(expected, out, 0, dtype + " gather along " + dim);

                if (dtype == DType.BOOL) {
                    continue;
                }
                Tensor acc = random(dtype, 4, 5, 3);
                Tensor devAcc = upload(acc);
                cpu.scatterAdd(acc, dim, index, expected);
                cuda.scatterAdd(devAcc, dim, devIndex, out);
                assertMatches(acc, devAcc, 1e-6, dtype + " scatterAdd along " + dim);
            }
        }
    }

    // ---------------------------------------------------------------- optimizers

    @Test
    void adamStepIsOneLaunchMatchingTheCpu() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (boolean amsgrad : new boolean[] {false, true}) {
                Tensor[] host = {random(dtype, 5, 60), random(dtype, 5, 60), random(dtype, 5, 60),
                        random(dtype, 5, 60).abs(), random(dtype, 5, 60).abs()};
                Tensor[] dev = new Tensor[host.length];
                for (int i = 0; i < host.length; i++) {
                    dev[i] = upload(host[i]);
                }
                device.launches().clear();
                assertTrue(cuda.adamStep(dev[0], dev[1], dev[2], dev[3], amsgrad ? dev[4] : null, 1e-2, 0.9, 0.999, 1e-8,
                        0.1, amsgrad, !amsgrad, 0.19, 0.002));
                assertEquals(java.util.List.of("adam_" + Kernels.suffix(dtype)), device.launches());
                assertTrue(cpu.adamStep(host[0], host[1], host[2], host[3], amsgrad ? host[4] : null, 1e-2, 0.9, 0.999,
                        1e-8, 0.1, amsgrad, !amsgrad, 0.19, 0.002));
                String what = dtype + (amsgrad ? " AdamW with AMSGrad" : " Adam maximizing with L2 decay");
                for (int i = 0; i < (amsgrad ? 5 : 4); i++) {
                    assertMatches(host[i], dev[i], 1e-5, what + ", operand " + i);
                }
            }
        }
        Tensor strided = upload(random(DType.FLOAT32, 4, 6)).transpose(0, 1);
        Tensor plain = onDevice(DType.FLOAT32, 0, 6, 4);
        assertFalse(cuda.adamStep(strided, plain, plain, plain, null, 1e-3, 0.9, 0.999, 1e-8, 0, false, false, 0.1, 0.001),
                "a strided operand takes the separate ops");
    }

    @Test
    void sgdStepIsOneLaunchMatchingTheCpuBitForBit() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int variant = 0; variant < 3; variant++) {
                boolean momentum = variant > 0;
                boolean first = variant == 1;
                Tensor[] host = {random(dtype, 5, 60), random(dtype, 5, 60), random(dtype, 5, 60)};
                Tensor[] dev = new Tensor[host.length];
                for (int i = 0; i < host.length; i++) {
                    dev[i] = upload(host[i]);
                }
                device.launches().clear();
                assertTrue(cuda.sgdStep(dev[0], dev[1], momentum ? dev[2] : null, first, 0.03, 0.9, variant == 2 ? 0 : 0.25,
                        0.01, variant == 2, variant == 2));
                assertEquals(java.util.List.of("sgd_" + Kernels.suffix(dtype)), device.launches());
                assertTrue(cpu.sgdStep(host[0], host[1], momentum ? host[2] : null, first, 0.03, 0.9, variant == 2 ? 0 : 0.25,
                        0.01, variant == 2, variant == 2));
                for (int i = 0; i < 3; i++) {
                    assertMatches(host[i], dev[i], 0, dtype + ", variant " + variant + ", operand " + i);
                }
            }
        }
        Tensor strided = upload(random(DType.FLOAT32, 4, 6)).transpose(0, 1);
        Tensor plain = onDevice(DType.FLOAT32, 0, 6, 4);
        assertFalse(cuda.sgdStep(strided, plain, null, false, 0.1, 0, 0, 0, false, false), "a strided operand takes the separate ops");
    }

    // ---------------------------------------------------------------- errors

    @Test
    void aFreedTensorFailsNamingItsShapeAndDevice() {
        Tensor t = upload(random(DType.FLOAT32, 2, 3));
        Tensor view = t.narrow(1, 1, 2);
        Cuda.free(t);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cuda.unary(UnaryOp.NEG, view, onDevice(DType.FLOAT32, 0, 2, 2)));
        assertTrue(e.getMessage().contains("[2, 2]") && e.getMessage().contains("cuda:0"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> download(t));
    }

    @Test
    void outOfMemoryRetriesOnceThenSaysHowMuch() {
        device.failNextMallocs(1);
        Tensor t = onDevice(DType.FLOAT32, 0, 100);
        assertEquals(100, t.numel());
        device.failNextMallocs(2);
        // Larger than what is left of the first tensor's small segment: the pool must grow.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> onDevice(DType.FLOAT32, 0, 1 << 20));
        assertTrue(e.getMessage().startsWith("CUDA out of memory: tried to allocate 4194304 bytes on cuda:0 ("), e.getMessage());
        assertTrue(e.getMessage().endsWith(" reserved by Nabla on this device)"), e.getMessage());
    }

    @Test
    void devicesAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.allocate(DType.FLOAT32, 3, Device.cuda(2)));
        assertEquals("cuda:2 does not exist: this machine has 2 CUDA devices", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cuda.allocate(DType.FLOAT32, 3, Device.CPU));
        assertEquals("", Cuda.unavailableReason(), "the emulator stands in for a GPU");
    }

    // ---------------------------------------------------------------- user kernels

    @Test
    void aUserKernelGetsEachTensorsFirstElementAndItsScalars() {
        CudaKernel scale = CudaKernel.load(EmulatedBackendTest.class, "test_kernels.ptx", "scale_f32");
        Tensor x = upload(Tensor.of(1f, 2f, 3f, 4f, 5f));
        Tensor y = onDevice(DType.FLOAT32, 0, 5);
        scale.launch(x.numel(), x.numel(), x, 2f, true, y);
        assertMatches(Tensor.of(3f, 5f, 7f, 9f, 11f), y, 0, "scale");

        Tensor tail = x.narrow(0, 2, 3);
        Tensor z = onDevice(DType.FLOAT32, 0, 6).narrow(0, 1, 3);
        scale.launchGrid(1, 32, 3L, tail, -1f, 0, z);
        assertMatches(Tensor.of(-3f, -4f, -5f), z, 0, "offset views");

        CudaKernel shift = CudaKernel.load(EmulatedBackendTest.class, "test_kernels.ptx", "shift_f64");
        Tensor d = onDevice(DType.FLOAT64, 1, 2);
        cuda.copy(Tensor.of(0.5, 1.5), d);
        Tensor e = onDevice(DType.FLOAT64, 1, 2);
        shift.launch(d.numel(), d.numel(), d, 0.25, e);
        assertMatches(Tensor.of(0.75, 1.75), e, 0, "a kernel on cuda:1");
    }
}
