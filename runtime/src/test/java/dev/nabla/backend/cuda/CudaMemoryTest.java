package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.nn.CrossEntropyLoss;
import dev.nabla.nn.Linear;
import dev.nabla.nn.ReLU;
import dev.nabla.nn.Sequential;
import dev.nabla.optim.Adam;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Memory that comes back without user code, on an {@link EmulatedDevice} that counts the
 * driver's allocations: unreachable tensors' blocks return to the pool, allocation pressure
 * collects before the pool grows, a failed allocation collects and empties the cache, live
 * tensors (a saved-for-backward one included) keep theirs, and a training loop settles into
 * a pool that neither grows nor calls the driver.
 */
class CudaMemoryTest {
    private static final long MIB = 1L << 20;

    private EmulatedDevice device;
    private Driver previous;

    @BeforeEach
    void installTheEmulator() {
        device = new EmulatedDevice(1);
        previous = CudaDriver.use(device);
        Nabla.manualSeed(7);
    }

    @AfterEach
    void restore() {
        CudaDriver.use(previous);
        System.clearProperty("nabla.cuda.gcMinBytes");
        System.clearProperty("nabla.cuda.gcPercent");
    }

    private static Tensor onGpu(long... shape) {
        return Tensor.zeros(DType.FLOAT32, shape).to(Device.CUDA);
    }

    @Test
    void pressureCollectsUnreachableTensorsBeforeThePoolGrows() {
        System.setProperty("nabla.cuda.gcMinBytes", String.valueOf(8 * MIB));
        for (int i = 0; i < 100; i++) {
            // 2 MiB each, dropped at once: without collections the pool would reach 200 MiB.
            onGpu(512, 1024);
        }
        long collections = device.memory.collections();
        assertTrue(collections >= 1, "allocation pressure ran the collector");
        assertTrue(Cuda.maxMemoryReserved() <= 40 * MIB, "the pool stayed small: " + Cuda.maxMemoryReserved() + " bytes");
    }

    @Test
    void collectionNeverFreesWhatIsLive() {
        System.setProperty("nabla.cuda.gcMinBytes", String.valueOf(4 * MIB));
        Tensor x = Tensor.randn(DType.FLOAT32, 256, 256).to(Device.CUDA).requiresGrad(true);
        Tensor kept = onGpu(256, 256).add(1);
        // h * h saves h for its backward: once loss exists, h is reachable from the graph only.
        WeakReference<Tensor> saved = new WeakReference<>(x.mul(2));
        Tensor loss = saved.get().mul(saved.get()).sum();
        List<WeakReference<Tensor>> garbage = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            garbage.add(new WeakReference<>(onGpu(512, 1024)));
        }
        assertTrue(device.memory.collections() >= 1);
        assertTrue(garbage.stream().anyMatch(w -> w.get() == null), "unreachable tensors were collected");
        Tensor savedTensor = saved.get();
        assertNotNull(savedTensor, "the tensor saved for backward is reachable from the graph");
        assertFalse(((CudaStorage) savedTensor.storage()).isFreed());
        savedTensor = null;

        loss.backward();
        float[] xs = x.detach().toFloatArray();
        float[] grad = x.grad().toFloatArray();
        for (int i = 0; i < xs.length; i++) {
            assertEquals(8 * xs[i], grad[i], 1e-5f * (1 + Math.abs(8 * xs[i])), "gradient " + i + " read the saved tensor intact");
        }
        float[] ones = new float[256 * 256];
        java.util.Arrays.fill(ones, 1f);
        assertArrayEquals(ones, kept.toFloatArray(), "a live tensor keeps its values");
    }

    @Test
    void aFailedAllocationCollectsAndReturnsCachedSegmentsThenRetries() {
        System.setProperty("nabla.cuda.gcPercent", "-1");
        Tensor big = onGpu(6, 1024, 1024);
        Cuda.free(big);
        assertEquals(24 * MIB, Cuda.memoryReserved(), "cached");
        device.failNextMallocs(1);
        Tensor other = onGpu(8, 1024, 1024);
        assertEquals(32 * MIB, other.numel() * 4);
        assertEquals(1, device.memory.collections(), "the failure collected");
        assertEquals(32 * MIB, Cuda.memoryReserved(), "the unused 24 MiB segment went back to the driver");
    }

    @Test
    void statisticsFollowPyTorchsMeanings() {
        long reserved = Cuda.memoryReserved();
        Tensor a = onGpu(1000);
        assertEquals(4096, Cuda.memoryAllocated(), "4000 bytes round to 4096");
        assertEquals(reserved + 2 * MIB, Cuda.memoryReserved());
        Cuda.free(a);
        assertEquals(0, Cuda.memoryAllocated());
        assertEquals(4096, Cuda.maxMemoryAllocated());
        Cuda.resetPeakMemoryStats();
        assertEquals(0, Cuda.maxMemoryAllocated());
        assertEquals(2 * MIB, Cuda.maxMemoryReserved());
        Cuda.emptyCache();
        assertEquals(0, Cuda.memoryReserved());
        assertEquals(2 * MIB, Cuda.maxMemoryReserved(), "a peak stays until reset");
    }

    /**
     * A 16-32-32-4 MLP with Adam on random data: {@code cuda_mlp_small}'s shape of step, small
     * enough that the emulator runs hundreds of steps in seconds.
     */
    private static final class Mlp {
        final Sequential model = new Sequential(new Linear(16, 32), new ReLU(), new Linear(32, 32), new ReLU(),
                new Linear(32, 4));
        final Adam adam;
        final CrossEntropyLoss loss = new CrossEntropyLoss();
        final Tensor x = Tensor.randn(DType.FLOAT32, 16, 16).to(Device.CUDA);
        final Tensor y;

        Mlp() {
            long[] labels = new SplittableRandom(3).longs(16, 0, 4).toArray();
            y = Tensor.of(labels).to(Device.CUDA);
            model.to(Device.CUDA);
            adam = new Adam(model.parameters(), 1e-3);
        }

        void step() {
            adam.zeroGrad();
            loss.forward(model.forward(x), y).backward();
            adam.step();
        }
    }

    @Test
    void aWarmedUpTrainingStepMakesNoDriverAllocations() {
        System.setProperty("nabla.cuda.gcMinBytes", String.valueOf(MIB));
        Mlp mlp = new Mlp();
        for (int i = 0; i < 60; i++) {
            mlp.step();
        }
        int mallocs = device.mallocs();
        for (int i = 0; i < 20; i++) {
            mlp.step();
        }
        assertEquals(mallocs, device.mallocs(), "twenty warmed-up steps ran from the pool");
    }

    @Test
    void reservedMemoryStaysFlatOverFiveHundredSteps() {
        System.setProperty("nabla.cuda.gcMinBytes", String.valueOf(MIB));
        Mlp mlp = new Mlp();
        long[] reserved = new long[500];
        for (int i = 0; i < reserved.length; i++) {
            mlp.step();
            reserved[i] = Cuda.memoryReserved();
        }
        long settled = reserved[99];
        for (int i = 100; i < reserved.length; i++) {
            assertEquals(settled, reserved[i], "reserved memory at step " + i);
        }
        assertTrue(settled <= 2 * CachingAllocator.SMALL_SEGMENT,
                "reserved " + settled + " bytes, peak allocated " + Cuda.maxMemoryAllocated());
    }
}
