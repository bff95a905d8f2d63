package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class's CUDA tests where there is no GPU: installs an {@link EmulatedDevice}
 * whose kernels are the real {@code nabla_kernels.cu} compiled for the CPU ({@link CpuKernels})
 * for the whole class, and puts the previous driver back afterwards. Skips the class when the
 * kernels cannot be built here.
 */
final class UseKernelsOnCpu implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(UseKernelsOnCpu.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        assumeTrue(CpuKernels.unavailableReason().isEmpty(), CpuKernels::unavailableReason);
        context.getStore(NAMESPACE).put(Driver.class, CudaDriver.use(new EmulatedDevice(1).withKernelsOnCpu()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Driver previous = context.getStore(NAMESPACE).remove(Driver.class, Driver.class);
        if (previous != null) {
            CudaDriver.use(previous);
        }
    }
}
