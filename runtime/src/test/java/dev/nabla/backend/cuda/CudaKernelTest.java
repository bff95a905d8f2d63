package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Tensor;
import dev.nabla.backend.Storage;
import dev.nabla.internal.TensorAccess;
import org.junit.jupiter.api.Test;

/** What {@link CudaKernel} checks before it touches a GPU: resources, launch shapes and arguments. */
class CudaKernelTest {
    private static final CudaKernel SCALE = CudaKernel.load(CudaKernelTest.class, "test_kernels.ptx", "scale_f32");

    /** A tensor whose storage claims to live on {@code device} but that no backend holds. */
    private static Tensor foreign(Device device) {
        Storage s = new Storage(DType.FLOAT32, 4) {
            @Override
            public Device device() {
                return device;
            }
        };
        return TensorAccess.get().make(s, new long[] {4}, new long[] {1}, 0);
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    @Test
    void aMissingResourceIsNamedWithThePackageItWasLookedFor() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CudaKernel.load(CudaKernelTest.class, "nothing_here.ptx", "f"));
        assertMessage(e, "nothing_here.ptx", "dev.nabla.backend.cuda");
        assertThrows(IllegalArgumentException.class, () -> CudaKernel.load(CudaKernelTest.class, "test_kernels.ptx", " "));
        assertThrows(NullPointerException.class, () -> CudaKernel.load(null, "test_kernels.ptx", "f"));
    }

    @Test
    void absoluteResourceNamesWork() {
        assertDoesNotThrow(() -> CudaKernel.load(Tensor.class, "/dev/nabla/backend/cuda/test_kernels.ptx", "scale_f32"));
    }

    @Test
    void launchShapesAreChecked() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SCALE.launch(-1L)), "scale_f32", "-1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SCALE.launchGrid(0, 256)), "gridX");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SCALE.launchGrid(1, 2048)), "blockX");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SCALE.launchGrid(1, 0)), "blockX");
        assertThrows(IllegalArgumentException.class, () -> SCALE.launch(Long.MAX_VALUE));
    }

    @Test
    void argumentsAreCheckedAndNamedByPosition() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SCALE.launch(4L, 4L, null, 2f, 0)),
                "argument 1 is null");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SCALE.launch(4L, 4L, Tensor.zeros(4), 2f, 0)),
                "argument 1 is a tensor on cpu");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SCALE.launch(4L, "four")),
                "argument 0 is a java.lang.String", "Tensor, Integer, Long, Float, Double and Boolean");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SCALE.launch(4L, (short) 4)),
                "argument 0 is a java.lang.Short");
    }

    @Test
    void tensorsOnTwoDevicesAreRefusedNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SCALE.launch(4L, 4L, foreign(Device.CUDA), 2f, foreign(Device.cuda(1))));
        assertMessage(e, "argument 3", "cuda:1", "argument 1", "cuda:0");
    }

    @Test
    void aTensorTheCudaBackendDoesNotHoldIsRefused() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SCALE.launch(4L, foreign(Device.CUDA))),
                "argument 0", "does not hold");
    }

    @Test
    void zeroThreadsLaunchNothing() {
        assertDoesNotThrow(() -> SCALE.launch(0L, 0L, 1.5f, true));
    }

    @Test
    void withoutCudaAValidLaunchSaysWhy() {
        assumeFalse(Cuda.isAvailable(), "CUDA is available here");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SCALE.launch(4L, 4L, 2f, 1));
        assertMessage(e, "scale_f32", Cuda.unavailableReason());
    }
}
