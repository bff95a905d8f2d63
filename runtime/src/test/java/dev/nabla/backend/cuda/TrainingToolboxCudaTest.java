package dev.nabla.backend.cuda;

import static dev.nabla.backend.cuda.ParityAssertions.CUDA;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.nn.Utils;
import dev.nabla.optim.Adam;
import dev.nabla.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The training toolbox on CUDA tensors: gradient clipping changes the gradients where they
 * are, as on the CPU, and optimizer state saved from CUDA parameters (which leaves as CUDA
 * tensors) or loaded from CPU tensors (as {@code SafeTensors.load} gives) lands on the
 * parameters' device and continues training as on the CPU.
 */
class TrainingToolboxCudaTest {
    @BeforeEach
    void requireCuda() {
        ParityAssertions.assumeCuda();
    }

    /** Two float64 parameters with gradients on {@code device}, the same values on every device. */
    private static List<Tensor> withGrads(Device device, double scale) {
        Nabla.manualSeed(3);
        List<Tensor> params = new ArrayList<>();
        for (long[] shape : new long[][] {{4, 5}, {7}}) {
            Tensor p = Tensor.randn(DType.FLOAT64, shape).to(device).requiresGrad(true);
            p.setGrad(Tensor.randn(DType.FLOAT64, shape).mul(scale).to(device));
            params.add(p);
        }
        return params;
    }

    @Test
    void clipGradNormAndValueMatchTheCpu() {
        List<Tensor> cpu = withGrads(Device.CPU, 3);
        List<Tensor> gpu = withGrads(CUDA, 3);
        assertEquals(Utils.clipGradNorm(cpu, 1.0), Utils.clipGradNorm(gpu, 1.0), 1e-12);
        assertSameGrads(cpu, gpu);
        Utils.clipGradValue(cpu, 0.1);
        Utils.clipGradValue(gpu, 0.1);
        assertSameGrads(cpu, gpu);
    }

    private static void assertSameGrads(List<Tensor> cpu, List<Tensor> gpu) {
        for (int i = 0; i < cpu.size(); i++) {
            assertEquals(CUDA, gpu.get(i).grad().device(), "the gradient stays on the GPU");
            assertArrayEquals(cpu.get(i).grad().toDoubleArray(), gpu.get(i).grad().toDoubleArray(), 1e-12);
        }
    }

    @Test
    void adamStateMovesBetweenDevicesAndTrainingContinuesAlike() {
        List<Tensor> cpu = withGrads(Device.CPU, 1);
        Adam onCpu = new Adam(cpu, Adam.options().lr(0.01).amsgrad(true));
        onCpu.step();
        List<Tensor> gpu = withGrads(CUDA, 1);
        Adam onGpu = new Adam(gpu, Adam.options().lr(0.01).amsgrad(true));
        onGpu.step();

        // The GPU's state saved to host tensors, loaded into a fresh CPU optimizer, and back.
        Map<String, Tensor> saved = onGpu.stateDict();
        assertEquals(CUDA, saved.get("state.0.exp_avg").device());
        Adam resumed = new Adam(gpu, Adam.options());
        resumed.loadStateDict(onCpu.stateDict());
        assertEquals(CUDA, resumed.stateDict().get("state.1.exp_avg_sq").device());
        resumed.step();
        onCpu.step();
        for (int i = 0; i < cpu.size(); i++) {
            assertArrayEquals(cpu.get(i).toDoubleArray(), gpu.get(i).toDoubleArray(), 1e-12);
        }
    }

    @Test
    void sgdMomentumBuffersFromTheCpuLandOnTheGpu() {
        List<Tensor> cpu = withGrads(Device.CPU, 1);
        SGD onCpu = new SGD(cpu, SGD.options(0.1).momentum(0.9));
        onCpu.step();
        List<Tensor> gpu = withGrads(CUDA, 1);
        SGD onGpu = new SGD(gpu, SGD.options(0.1).momentum(0.9));
        onGpu.loadStateDict(onCpu.stateDict());
        assertEquals(CUDA, onGpu.momentumBuffer(gpu.get(0)).device());
        assertArrayEquals(onCpu.momentumBuffer(cpu.get(1)).toDoubleArray(), onGpu.momentumBuffer(gpu.get(1)).toDoubleArray());
    }
}
