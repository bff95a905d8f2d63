package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ops' outputs on device memory that the caching allocator hands out again: an op's output is
 * allocated without a memset, so an op that needs zeros to start from (zerosLike, and the
 * backward of narrow, indexSelect and gather, which add the gradient into zeros) must ask for
 * them. Before each test, blocks filled with NaN are freed into the pool for those outputs to reuse.
 */
@ExtendWith(UseKernelsOnCpu.class)
class ReusedMemoryOnCpuKernelsTest {
    private static final Device GPU = Device.cuda(0);
    private final CudaBackend cuda = new CudaBackend();

    @BeforeEach
    void poolOfNaNBlocks() {
        List<CudaStorage> blocks = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                CudaStorage s = (CudaStorage) cuda.allocate(dtype, 1 + i % 16, GPU);
                cuda.fill(dev.nabla.internal.TensorAccess.get().make(s, new long[] {1 + i % 16}, new long[] {1}, 0), Double.NaN);
                blocks.add(s);
            }
        }
        blocks.forEach(CudaStorage::free);
    }

    private static Tensor leaf(double... values) {
        return Tensor.of(values).to(GPU).detach().requiresGrad(true);
    }

    @Test
    void zerosLikeOfADeviceTensorIsZeros() {
        Tensor x = Tensor.of(1.0, 2.0, 3.0, 4.0).to(GPU);
        assertArrayEquals(new double[4], Tensor.zerosLike(x).toDoubleArray());
    }

    @Test
    void narrowsGradientIsZeroOutsideTheSlice() {
        Tensor x = leaf(1, 2, 3, 4, 5, 6);
        x.narrow(0, 2, 2).sum().backward();
        assertArrayEquals(new double[] {0, 0, 1, 1, 0, 0}, x.grad().toDoubleArray());
    }

    @Test
    void indexSelectsAndGathersGradientsAreZeroWhereNothingWasPicked() {
        Tensor x = leaf(1, 2, 3, 4, 5);
        Tensor index = Tensor.of(new long[] {1, 3, 3}).to(GPU);
        x.indexSelect(0, index).sum().backward();
        assertArrayEquals(new double[] {0, 1, 0, 2, 0}, x.grad().toDoubleArray());
        Tensor y = leaf(1, 2, 3, 4, 5);
        y.gather(0, index).sum().backward();
        assertArrayEquals(new double[] {0, 1, 0, 2, 0}, y.grad().toDoubleArray());
    }
}
