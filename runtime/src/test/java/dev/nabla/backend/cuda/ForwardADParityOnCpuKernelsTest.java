package dev.nabla.backend.cuda;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ForwardADParityTest}'s cases where no GPU is: the CUDA backend on an {@link EmulatedDevice}
 * whose kernels are the real {@code nabla_kernels.cu} compiled for the CPU.
 */
@ExtendWith(UseKernelsOnCpu.class)
class ForwardADParityOnCpuKernelsTest extends ForwardADParityTest {}
