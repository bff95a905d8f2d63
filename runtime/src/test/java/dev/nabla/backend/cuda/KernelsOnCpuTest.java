package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the CUDA kernels themselves on the CPU, where there is no GPU:
 * {@code src/test/cuda/kernels_on_cpu.cpp} compiles {@code nabla_kernels.cu} as C++ against
 * {@code cuda_emu.h} (a host thread per CUDA thread, a barrier for {@code __syncthreads}) and
 * checks every kernel family against a plain reference, under AddressSanitizer and UBSan so
 * that an index slip is an error, not a lucky read. Skipped when there is no C++ compiler.
 */
class KernelsOnCpuTest {
    @Test
    void kernelsComputeWhatTheReferenceDoes(@TempDir Path dir) throws Exception {
        Path program = RuntimeModule.dir().resolve("src/test/cuda/kernels_on_cpu.cpp");
        Path binary = dir.resolve("kernels_on_cpu");
        String compile = run(List.of("g++", "-std=c++17", "-O1", "-g", "-fsanitize=address,undefined",
                "-fno-sanitize-recover=undefined", "-pthread", program.toString(), "-o", binary.toString()), true);
        String output = run(List.of(binary.toString()), false);
        assertTrue(output.contains(" checks, 0 failed"), output + compile);
    }

    /** Runs a command; a failure fails the test with its output, and a missing compiler skips it. */
    private static String run(List<String> command, boolean isCompiler) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            if (isCompiler) {
                return Assumptions.abort("no C++ compiler to run the kernels on the CPU (" + e.getMessage() + ")");
            }
            throw e;
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", command) + " did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + text);
        return text;
    }
}
