package dev.nabla.backend.cuda;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link CudaParityTest}'s cases where no GPU is: the CUDA backend runs on an {@link EmulatedDevice}
 * whose kernels are the real {@code nabla_kernels.cu}, compiled for the CPU. What this leaves
 * unexercised is JCuda itself ({@link JCudaCalls}) and the GPU's timing.
 */
@ExtendWith(UseKernelsOnCpu.class)
class CudaParityOnCpuKernelsTest extends CudaParityTest {}
