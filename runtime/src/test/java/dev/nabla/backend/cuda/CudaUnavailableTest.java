package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Tensor;
import dev.nabla.backend.Backend;
import dev.nabla.backend.Backends;
import dev.nabla.backend.cpu.CpuBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A machine without CUDA (this one, in CI): the backend is registered but says why it cannot
 * run, in one line; CPU tensors are unaffected; asking for a CUDA tensor fails clearly. Skipped
 * where CUDA works.
 */
class CudaUnavailableTest {
    @BeforeEach
    void onlyWithoutCuda() {
        assumeFalse(Cuda.isAvailable(), "CUDA is available here");
    }

    @Test
    void theBackendIsRegisteredAndSaysWhyItIsUnavailable() {
        Backend cuda = Backends.named("cuda").orElseThrow();
        assertTrue(cuda instanceof CudaBackend);
        assertEquals("cuda", cuda.deviceType());
        assertFalse(cuda.isAvailable());
        String reason = cuda.unavailableReason();
        assertFalse(reason.isBlank());
        assertFalse(reason.contains("\n"), reason);
        assertTrue(reason.length() < 200, reason);
        assertTrue(reason.startsWith("no CUDA") || reason.startsWith("the CUDA") || reason.startsWith("JCuda")
                || reason.startsWith("CUDA failed"), reason);
        assertEquals(reason, Cuda.unavailableReason());
    }

    @Test
    void noDriverIsReportedAsSuch() {
        assumeFalse(driverInstalled(), "a CUDA driver is installed here");
        assertEquals("no CUDA driver (libcuda.so.1 not found)", Cuda.unavailableReason());
        assertEquals(0, Cuda.deviceCount());
    }

    /** Whether libcuda.so.1 is in one of the places a Linux loader finds it. */
    private static boolean driverInstalled() {
        List<String> dirs = new ArrayList<>(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib64",
                "/lib/x86_64-linux-gnu", "/usr/lib/wsl/lib", "/usr/local/cuda/compat"));
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            dirs.addAll(List.of(ld.split(":")));
        }
        return dirs.stream().anyMatch(d -> !d.isEmpty() && Files.exists(Path.of(d, "libcuda.so.1")));
    }

    @Test
    void constructingTheBackendLoadsNothing() {
        CudaBackend b = new CudaBackend();
        assertEquals("cuda", b.name());
        assertEquals("cuda", b.deviceType());
        assertEquals(0, b.priority());
    }

    @Test
    void cpuTensorsAreUnaffected() {
        assertSame(CpuBackend.class, Backends.forDevice(Device.CPU).getClass());
        Tensor t = Tensor.zeros(2).add(1);
        assertArrayEquals(new float[] {1, 1}, t.toFloatArray());
        assertEquals(Device.CPU, Tensor.randn(3).device());
    }

    @Test
    void movingATensorToCudaFailsWithOneLineNamingWhy() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.zeros(2).to(Device.CUDA));
        String message = e.getMessage();
        assertFalse(message.contains("\n"), message);
        assertTrue(message.contains("cuda"), message);
        assertTrue(message.contains(Cuda.unavailableReason()), message);
    }

    @Test
    void selectingTheBackendByNameFailsWithTheReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.use("cuda"));
        assertTrue(e.getMessage().contains(Cuda.unavailableReason()), e.getMessage());
    }

    @Test
    void allocatingDirectlyFailsWithTheReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new CudaBackend().allocate(DType.FLOAT32, 4, Device.CUDA));
        assertEquals("CUDA is not available: " + Cuda.unavailableReason(), e.getMessage());
    }

    @Test
    void theFacadeAnswersWithoutAGpu() {
        assertFalse(Cuda.isAvailable());
        assertEquals(0, Cuda.memoryAllocated());
        Cuda.synchronize();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cuda.free(Tensor.zeros(2)));
        assertTrue(e.getMessage().contains("cpu"), e.getMessage());
    }
}
