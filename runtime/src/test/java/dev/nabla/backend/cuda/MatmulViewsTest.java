package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Matrix products of views on an {@link EmulatedDevice}: a transposed operand (Linear's
 * {@code x.mm(w.t())}, its weight gradient's {@code g.t().mm(x)}) and a broadcast batch reach the
 * gemm kernel, or cuBLAS, as they lie, so a product allocates its output and nothing else on the
 * device and launches nothing but the product.
 */
class MatmulViewsTest {
    private EmulatedDevice device;
    private Driver previous;

    @BeforeEach
    void installTheEmulator() {
        device = new EmulatedDevice(1);
        previous = CudaDriver.use(device);
        Nabla.manualSeed(11);
    }

    @AfterEach
    void restore() {
        CudaDriver.use(previous);
    }

    /**
     * Runs {@code product} on device tensors and checks that it launched exactly {@code launch},
     * that the device's peak allocation since the start is what the output holds, and that its
     * values are {@code expected}'s (the same product on the CPU).
     */
    private void assertNoScratch(String what, Supplier<Tensor> product, Tensor expected, String launch) {
        device.launches().clear();
        Cuda.resetPeakMemoryStats();
        long before = Cuda.memoryAllocated();
        Tensor out = product.get();
        assertEquals(List.of(launch), device.launches(), what + ": the launches");
        assertTrue(Cuda.memoryAllocated() > before, what + ": the output is on the device");
        assertEquals(Cuda.memoryAllocated(), Cuda.maxMemoryAllocated(), what + ": no scratch beyond the output");
        assertArrayEquals(expected.shape(), out.shape(), what + ": the shape");
        assertArrayEquals(expected.toDoubleArray(), out.toDoubleArray(), 1e-5, what + ": the values");
    }

    @ParameterizedTest(name = "cuBLAS usable: {0}")
    @ValueSource(booleans = {false, true})
    void transposedAndBroadcastOperandsAreNotCopied(boolean blas) {
        device.withBlas(blas);
        Tensor x = Tensor.randn(DType.FLOAT32, 6, 5);
        Tensor w = Tensor.randn(DType.FLOAT32, 4, 5);
        Tensor g = Tensor.randn(DType.FLOAT32, 6, 4);
        Tensor batch = Tensor.randn(DType.FLOAT32, 3, 6, 5);
        Tensor shared = Tensor.randn(DType.FLOAT32, 1, 4, 5);
        Tensor dx = x.to(Device.CUDA);
        Tensor dw = w.to(Device.CUDA);
        Tensor dg = g.to(Device.CUDA);
        Tensor dBatch = batch.to(Device.CUDA);
        Tensor dShared = shared.to(Device.CUDA);
        assertNoScratch("x.mm(w.t())", () -> dx.mm(dw.t()), x.mm(w.t()), blas ? "cublas" : "gemm_nt_f32");
        assertNoScratch("g.t().mm(x)", () -> dg.t().mm(dx), g.t().mm(x), blas ? "cublas" : "gemm_tn_f32");
        assertNoScratch("a batch by a broadcast transposed matrix", () -> dBatch.matmul(dShared.transpose(1, 2)),
                batch.matmul(shared.transpose(1, 2)), blas ? "cublas" : "gemm_nt_f32");
        assertNoScratch("a broadcast batch by a batch", () -> dShared.matmul(dBatch.transpose(1, 2)),
                shared.matmul(batch.transpose(1, 2)), blas ? "cublas" : "gemm_nt_f32");
    }
}
