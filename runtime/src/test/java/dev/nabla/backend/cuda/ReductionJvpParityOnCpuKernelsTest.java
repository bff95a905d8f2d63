package dev.nabla.backend.cuda;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ReductionJvpParityTest}'s cases where no GPU is: the CUDA backend runs on an {@link
 * EmulatedDevice} whose kernels are the real {@code nabla_kernels.cu}, compiled for the CPU.
 */
@ExtendWith(UseKernelsOnCpu.class)
class ReductionJvpParityOnCpuKernelsTest extends ReductionJvpParityTest {}
