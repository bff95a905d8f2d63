package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jcuda.CudaException;
import org.junit.jupiter.api.Test;

/** The one-line reasons CUDA gives for not starting, from the failures JCuda reports. No GPU needed. */
class JCudaCallsTest {
    @Test
    void aMissingDriverLibrary() {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open"
                + " shared object file: No such file or directory\n");
        assertEquals("no CUDA driver (libcuda.so.1 not found)", JCudaCalls.describe(e));
    }

    @Test
    void driverErrorsFromCuInit() {
        assertEquals("no CUDA device", JCudaCalls.describe(new CudaException("CUDA_ERROR_NO_DEVICE")));
        assertEquals("the CUDA driver is too old for JCuda 12.6 (CUDA_ERROR_INSUFFICIENT_DRIVER)",
                JCudaCalls.describe(new CudaException("CUDA_ERROR_INSUFFICIENT_DRIVER")));
    }

    @Test
    void anotherLinkFailureNamesItsLastNestedCause() {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("Error while loading native library \"JCudaDriver\"\n"
                + "java.lang.UnsatisfiedLinkError: no JCudaDriver in java.library.path: /usr/lib\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver.so: undefined symbol: cuMemAlloc_v2\n");
        assertEquals("JCuda's native library did not load: /tmp/libJCudaDriver.so: undefined symbol: cuMemAlloc_v2",
                JCudaCalls.describe(e));
    }

    @Test
    void missingJCudaClasses() {
        assertEquals("JCuda is not on the class path (jcuda/driver/JCudaDriver)",
                JCudaCalls.describe(new NoClassDefFoundError("jcuda/driver/JCudaDriver")));
    }

    @Test
    void anythingElseIsOneLineWithItsType() {
        assertEquals("CUDA failed to start: IllegalStateException: boom",
                JCudaCalls.describe(new IllegalStateException("boom\nat somewhere")));
        assertEquals("CUDA failed to start: CudaException: CUDA_ERROR_UNKNOWN",
                JCudaCalls.describe(new CudaException("CUDA_ERROR_UNKNOWN")));
    }
}
