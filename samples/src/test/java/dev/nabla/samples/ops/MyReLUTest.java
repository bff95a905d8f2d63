package dev.nabla.samples.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.backend.cuda.Cuda;
import org.junit.jupiter.api.Test;

/**
 * Seed 004's MyReLU through its generated function; gradients checked in float64 with eps 1e-6,
 * atol 1e-5. On a GPU, its own kernels must agree with the CPU path bit for bit.
 */
class MyReLUTest {
    @Test
    void gradientIsOneWherePositiveAndZeroElsewhere() {
        Tensor x = Tensor.of(-1.5, 0.5, 2.0, -0.1, 3.0).requiresGrad(true);
        Tensor y = MyReLUFunction.apply(x);
        assertArrayEquals(new double[] {0, 0.5, 2.0, 0, 3.0}, y.toDoubleArray());
        assertEquals("MyReLUBackward", y.gradFn().name());
        y.sum().backward();
        assertArrayEquals(new double[] {0, 1, 1, 0, 1}, x.grad().toDoubleArray());
    }

    @Test
    void matchesFiniteDifferencesAsInTheSeed() {
        Nabla.manualSeed(4);
        Tensor x = Tensor.randn(DType.FLOAT64, 8).requiresGrad(true);
        assertTrue(Gradcheck.check(in -> MyReLUFunction.apply(in[0]),
                Gradcheck.Options.defaults().withEps(1e-6).withAtol(1e-5), x));
    }

    @Test
    void theCudaKernelsAgreeWithTheCpuPath() {
        assumeTrue(Cuda.isAvailable(), () -> "no CUDA here: " + Cuda.unavailableReason());
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor cpu = Tensor.of(new double[] {-1.5, 0.5, -0.0, 0.0, Double.NaN, 3, -1e-30}).to(dtype)
                    .requiresGrad(true);
            Tensor gpu = cpu.detach().to(Device.CUDA).requiresGrad(true);
            Tensor yCpu = MyReLUFunction.apply(cpu);
            Tensor yGpu = MyReLUFunction.apply(gpu);
            assertEquals(Device.CUDA, yGpu.device());
            assertArrayEquals(yCpu.toDoubleArray(), yGpu.toDoubleArray(), dtype.toString());
            Tensor weights = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7}).to(dtype);
            yCpu.mul(weights).sum().backward();
            yGpu.mul(weights.to(Device.CUDA)).sum().backward();
            assertArrayEquals(cpu.grad().toDoubleArray(), gpu.grad().toDoubleArray(), dtype.toString());
        }
    }

    @Test
    void onCudaABackwardUnderCreateGraphStaysDifferentiable() {
        assumeTrue(Cuda.isAvailable(), () -> "no CUDA here: " + Cuda.unavailableReason());
        Tensor x = Tensor.of(-1.0, 2.0).to(Device.CUDA).requiresGrad(true);
        Tensor g = Tensor.of(1.0, 1.0).to(Device.CUDA).requiresGrad(true);
        Tensor dx = Autograd.grad(MyReLUFunction.apply(x), new Tensor[] {x}, g, true, true)[0];
        assertArrayEquals(new double[] {0, 1}, dx.toDoubleArray());
        // d(dx . 1)/dg is the mask: only the tensor-op backward records that.
        assertArrayEquals(new double[] {0, 1}, Autograd.grad(dx.sum(), g)[0].toDoubleArray());
    }
}
