package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CudaTrainingParityTest}'s cases where no GPU is: the CUDA backend runs on an {@link EmulatedDevice}
 * whose kernels are the real {@code nabla_kernels.cu}, compiled for the CPU ({@link CpuKernels}).
 * What this leaves unexercised is JCuda itself ({@link JCudaCalls}) and the GPU's timing.
 */
class CudaTrainingParityOnCpuKernelsTest extends CudaTrainingParityTest {
    private static Driver previous;

    @BeforeAll
    static void useKernelsOnCpu() {
        assumeTrue(CpuKernels.unavailableReason().isEmpty(), CpuKernels::unavailableReason);
        previous = CudaDriver.use(new EmulatedDevice(1).withKernelsOnCpu());
    }

    @AfterAll
    static void restoreDriver() {
        if (previous != null) {
            CudaDriver.use(previous);
        }
    }
}
