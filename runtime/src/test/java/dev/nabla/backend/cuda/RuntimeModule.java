package dev.nabla.backend.cuda;

import java.nio.file.Files;
import java.nio.file.Path;

/** The runtime module's directory, for tests that build its CUDA and C++ sources. */
final class RuntimeModule {
    private RuntimeModule() {}

    /** Maven's basedir, or the {@code runtime} folder of a working directory at the repository root (an IDE). */
    static Path dir() {
        Path dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        return Files.isDirectory(dir.resolve("src/main/cuda")) ? dir : dir.resolve("runtime");
    }
}
