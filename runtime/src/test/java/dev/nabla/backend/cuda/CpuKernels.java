package dev.nabla.backend.cuda;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code nabla_kernels.cu}, run on the CPU through JNI ({@code src/test/cuda/kernels_jni.cpp}
 * with {@code cuda_emu.h}), for {@link EmulatedDevice}: with it, the CUDA tests on the emulated
 * device run the backend's host code and the kernels' device code together. The library is
 * compiled with the machine's g++ on first use, once per JVM.
 */
final class CpuKernels {
    private static final String UNAVAILABLE = load();

    private CpuKernels() {}

    /** Why the kernels cannot run on the CPU here (no g++, no JDK headers), or empty when they can. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    private static String load() {
        Path runtime = RuntimeModule.dir();
        Path javaHome = Path.of(System.getProperty("java.home"));
        if (!Files.exists(javaHome.resolve("include/jni.h"))) {
            return "no jni.h under " + javaHome;
        }
        try {
            Path dir = Files.createTempDirectory("nabla-cpu-kernels");
            Path library = dir.resolve(System.mapLibraryName("nablacpukernels"));
            List<String> command = List.of("g++", "-std=c++17", "-O1", "-shared", "-fPIC", "-pthread",
                    "-I" + javaHome.resolve("include"), "-I" + javaHome.resolve("include/linux"),
                    runtime.resolve("src/test/cuda/kernels_jni.cpp").toString(), "-o", library.toString());
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
            }
            System.load(library.toString());
            library.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return "";
        } catch (IOException e) {
            return "no g++ to build the kernels for the CPU (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while building the kernels for the CPU";
        }
    }

    /**
     * Runs built-in kernel {@code function} on the CPU; {@code args} are its arguments with every
     * device address already turned into a host address ({@link #address}).
     *
     * @throws IllegalArgumentException if there is no such kernel
     */
    static void launch(String function, int gridX, int gridY, int gridZ, int block, String signature, List<Object> args) {
        ByteBuffer packed = ByteBuffer.allocate(args.size() * Rows.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Object a : args) {
            if (a instanceof byte[]) {
                packed.put((byte[]) a);
            } else if (a instanceof Integer) {
                packed.putInt((Integer) a);
            } else if (a instanceof Long) {
                packed.putLong((Long) a);
            } else if (a instanceof Float) {
                packed.putFloat((Float) a);
            } else {
                packed.putDouble((Double) a);
            }
        }
        byte[] bytes = new byte[packed.position()];
        packed.flip().get(bytes);
        if (!launch(function, gridX, gridY, gridZ, block, signature, bytes)) {
            throw new IllegalArgumentException("no built-in kernel " + function);
        }
    }

    /** The host address of a direct buffer's first byte. */
    static native long address(ByteBuffer direct);

    private static native boolean launch(String function, int gridX, int gridY, int gridZ, int block, String signature,
                                         byte[] packed);
}
