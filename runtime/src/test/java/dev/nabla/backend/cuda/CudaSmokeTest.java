package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A few end-to-end checks on a GPU: moving tensors both ways, one op of each family the
 * backend routes differently, freeing, and a user kernel. Skipped (never failed) without CUDA;
 * the CPU/CUDA parity suite covers every op in depth.
 */
class CudaSmokeTest {
    @BeforeEach
    void onlyWithCuda() {
        assumeTrue(Cuda.isAvailable(), () -> "no CUDA here: " + Cuda.unavailableReason());
    }

    @Test
    void tensorsRoundTripThroughTheDevice() {
        Tensor f = Tensor.of(new float[][] {{1, -2, 3}, {4.5f, Float.NaN, -0f}});
        Tensor onGpu = f.to(Device.CUDA);
        assertEquals(Device.CUDA, onGpu.device());
        assertArrayEquals(f.toFloatArray(), onGpu.toFloatArray());
        assertArrayEquals(f.toFloatArray(), onGpu.to(Device.CPU).toFloatArray());
        // Strided views go both ways, and dtypes convert on the way.
        assertArrayEquals(f.t().toFloatArray(), f.t().to(Device.CUDA).toFloatArray());
        assertArrayEquals(f.t().toFloatArray(), onGpu.t().toFloatArray());
        assertArrayEquals(f.narrow(1, 1, 2).toDoubleArray(), onGpu.narrow(1, 1, 2).toDoubleArray());
        assertArrayEquals(new long[] {7, -3, 0}, Tensor.of(7L, -3L, 0L).to(Device.CUDA).toLongArray());
        assertArrayEquals(new boolean[] {true, false, true},
                Tensor.of(true, false, true).to(Device.CUDA).toBooleanArray());
        assertArrayEquals(new double[] {1, -2, 3}, onGpu.narrow(0, 0, 1).to(DType.FLOAT64).reshape(3).toDoubleArray());
        Tensor zeros = Tensor.zeros(DType.INT64, 5).to(Device.CUDA);
        assertArrayEquals(new long[5], zeros.toLongArray());
    }

    @Test
    void broadcastAddMatchesTheCpu() {
        Nabla.manualSeed(1);
        Tensor a = Tensor.randn(4, 3);
        Tensor b = Tensor.randn(3);
        Tensor onGpu = a.to(Device.CUDA).add(b.to(Device.CUDA));
        assertEquals(Device.CUDA, onGpu.device());
        assertArrayEquals(a.add(b).toFloatArray(), onGpu.toFloatArray());
    }

    @Test
    void matmulMatchesTheCpu() {
        Nabla.manualSeed(2);
        Tensor a = Tensor.randn(33, 17);
        Tensor b = Tensor.randn(17, 65);
        float[] expected = a.matmul(b).toFloatArray();
        float[] actual = a.to(Device.CUDA).matmul(b.to(Device.CUDA)).toFloatArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4f * (1 + Math.abs(expected[i])), "element " + i);
        }
        // A transposed operand is made contiguous first.
        float[] expectedT = b.t().matmul(a.t()).toFloatArray();
        float[] actualT = b.to(Device.CUDA).t().matmul(a.to(Device.CUDA).t()).toFloatArray();
        for (int i = 0; i < expectedT.length; i++) {
            assertEquals(expectedT[i], actualT[i], 1e-4f * (1 + Math.abs(expectedT[i])), "element " + i);
        }
    }

    @Test
    void aLongSumTakesTwoPassesAndMatchesTheCpu() {
        Nabla.manualSeed(3);
        Tensor x = Tensor.rand(DType.FLOAT64, 200_003);
        assertEquals(x.sum().item(), x.to(Device.CUDA).sum().item(), 1e-9);
    }

    @Test
    void aFreedTensorCannotBeUsed() {
        Tensor t = Tensor.ones(2, 3).to(Device.CUDA);
        Tensor view = t.narrow(0, 1, 1);
        long before = Cuda.memoryAllocated();
        Cuda.free(t);
        assertTrue(Cuda.memoryAllocated() <= before - 2 * 3 * 4, "the 24 bytes are no longer counted");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> view.add(1).toFloatArray());
        assertTrue(e.getMessage().contains("[1, 3]") && e.getMessage().contains("cuda:0"), e.getMessage());
        assertThrows(IllegalStateException.class, t::toFloatArray);
        Cuda.free(t);
    }

    /**
     * The caching allocator on the real driver: a freed block is handed out again without a new
     * segment, and warmed-up training steps (the collector included) ask the driver for nothing.
     */
    @Test
    void warmedUpTrainingRunsFromThePool() {
        Tensor t = Tensor.zeros(1000).to(Device.CUDA);
        long reserved = Cuda.memoryReserved();
        Cuda.free(t);
        Tensor again = Tensor.zeros(1000).to(Device.CUDA);
        assertEquals(reserved, Cuda.memoryReserved(), "the freed block was reused");
        Cuda.free(again);

        Nabla.manualSeed(3);
        dev.nabla.nn.Sequential model = new dev.nabla.nn.Sequential(new dev.nabla.nn.Linear(64, 256),
                new dev.nabla.nn.ReLU(), new dev.nabla.nn.Linear(256, 10));
        model.to(Device.CUDA);
        dev.nabla.optim.Adam adam = new dev.nabla.optim.Adam(model.parameters(), 1e-3);
        Tensor x = Tensor.randn(64, 64).to(Device.CUDA);
        Tensor y = Tensor.of(new java.util.SplittableRandom(1).longs(64, 0, 10).toArray()).to(Device.CUDA);
        Runnable step = () -> {
            adam.zeroGrad();
            new dev.nabla.nn.CrossEntropyLoss().forward(model.forward(x), y).backward();
            adam.step();
        };
        // A small model leaves little behind a step: collect after 8 MiB rather than the default 256 MiB.
        System.setProperty("nabla.cuda.gcMinBytes", String.valueOf(8 << 20));
        try {
            for (int i = 0; i < 50; i++) {
                step.run();
            }
            long segments = CudaDriver.current().memory.pool(0).segmentsRequested();
            for (int i = 0; i < 200; i++) {
                step.run();
            }
            Cuda.synchronize();
            assertEquals(segments, CudaDriver.current().memory.pool(0).segmentsRequested(),
                    "200 warmed-up steps asked the driver for no memory");
        } finally {
            System.clearProperty("nabla.cuda.gcMinBytes");
        }
    }

    @Test
    void aUserKernelRuns() {
        CudaKernel scale = CudaKernel.load(CudaSmokeTest.class, "test_kernels.ptx", "scale_f32");
        Tensor x = Tensor.of(1f, 2f, 3f, 4f, 5f).to(Device.CUDA);
        Tensor y = Tensor.zerosLike(x);
        scale.launch(x.numel(), x.numel(), x, 2f, true, y);
        assertArrayEquals(new float[] {3, 5, 7, 9, 11}, y.toFloatArray());

        // The explicit grid form, with an offset view: the kernel sees the view's first element.
        Tensor tail = x.narrow(0, 2, 3);
        Tensor z = Tensor.zerosLike(tail);
        scale.launchGrid(1, 32, 3L, tail, -1f, 0, z);
        assertArrayEquals(new float[] {-3, -4, -5}, z.toFloatArray());

        CudaKernel shift = CudaKernel.load(CudaSmokeTest.class, "test_kernels.ptx", "shift_f64");
        Tensor d = Tensor.of(0.5, 1.5).to(Device.CUDA);
        Tensor e = Tensor.zerosLike(d);
        shift.launch(d.numel(), d.numel(), d, 0.25, e);
        Cuda.synchronize();
        assertArrayEquals(new double[] {0.75, 1.75}, e.toDoubleArray());
    }
}
