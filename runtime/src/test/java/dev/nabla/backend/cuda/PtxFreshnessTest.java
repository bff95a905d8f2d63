package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guards the committed PTX (built from {@code src/main/cuda} by {@code build-ptx.sh}, because
 * the build must not need a CUDA toolkit): where nvcc is installed, it must be exactly what
 * nvcc builds from the current sources. {@link PtxContractTest} checks its entry points
 * against the launches of the Java side.
 */
class PtxFreshnessTest {
    private static final String REFRESH = "runtime/src/main/cuda/build-ptx.sh";

    /** The runtime's kernels, and the samples' own (MyReLU's), which build with the same script. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"runtime", "samples"})
    void committedPtxIsWhatNvccBuildsFromTheSources(String moduleName, @TempDir Path rebuilt) throws Exception {
        String nvcc = nvccVersion();
        Path module = RuntimeModule.dir().resolveSibling(moduleName);
        String refresh = REFRESH + " " + moduleName;
        List<Path> sources;
        try (Stream<Path> files = Files.list(module.resolve("src/main/cuda"))) {
            sources = files.filter(f -> f.toString().endsWith(".cu")).sorted().toList();
        }
        assertFalse(sources.isEmpty(), "no .cu files under " + module.resolve("src/main/cuda"));

        Map<Path, Path> committedBySource = new LinkedHashMap<>();
        for (Path cu : sources) {
            Path ptx = Path.of(packageOf(cu), cu.getFileName().toString().replaceFirst("\\.cu$", ".ptx"));
            Path committed = module.resolve("src/main/resources").resolve(ptx);
            assertTrue(Files.exists(committed), "no committed PTX for " + cu.getFileName() + " at " + committed
                    + "; build it with " + refresh + " and commit it");
            String builtBy = compilerLine(Files.readString(committed));
            Assumptions.assumeTrue(nvcc.equals(builtBy), () -> committed.getFileName() + " was built by '" + builtBy
                    + "' but the installed nvcc is '" + nvcc + "'; different compilers emit different PTX");
            committedBySource.put(cu, ptx);
        }

        String output = buildPtx(module, rebuilt);
        committedBySource.forEach((cu, ptx) -> {
            Path committed = module.resolve("src/main/resources").resolve(ptx);
            Path fresh = rebuilt.resolve(ptx);
            try {
                assertTrue(Files.exists(fresh), "build-ptx.sh wrote no " + fresh + ":\n" + output);
                List<String> want = Files.readAllLines(fresh);
                List<String> have = Files.readAllLines(committed);
                if (!want.equals(have)) {
                    fail(committed + " is stale: it differs from what nvcc builds from " + cu + " ("
                            + firstDifference(want, have) + "). Refresh it with " + refresh + " and commit it.");
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** The compiler line of {@code nvcc --version}, or the test is skipped when nvcc is not on the PATH. */
    private static String nvccVersion() throws InterruptedException {
        String out;
        try {
            out = run(new ProcessBuilder("nvcc", "--version"), 60);
        } catch (IOException e) {
            return Assumptions.abort("nvcc is not on the PATH (" + e.getMessage() + ")");
        }
        String line = compilerLine(out);
        assertNotNull(line, "nvcc --version printed no 'Cuda compilation tools' line:\n" + out);
        return line;
    }

    /** "Cuda compilation tools, release X, VX.Y.Z" as nvcc prints it and as the PTX header records it. */
    private static String compilerLine(String text) {
        Matcher m = Pattern.compile("Cuda compilation tools[^\\r\\n]*").matcher(text);
        return m.find() ? m.group().trim() : null;
    }

    private static String buildPtx(Path module, Path into) throws InterruptedException {
        Path script = RuntimeModule.dir().resolve("src/main/cuda/build-ptx.sh");
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString(), module.toString());
        pb.environment().put("NABLA_PTX_RESOURCES", into.toString());
        try {
            return run(pb, 600);
        } catch (IOException e) {
            return Assumptions.abort("cannot run build-ptx.sh with sh (" + e.getMessage() + ")");
        }
    }

    /**
     * Runs a command to completion and returns its output; a failure or timeout fails the test.
     *
     * @throws IOException if the command cannot be started
     */
    private static String run(ProcessBuilder pb, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("nabla-ptx", ".log");
        try {
            Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", pb.command()) + " did not finish in " + timeoutSeconds + " s");
            }
            String out = Files.readString(log);
            assertEquals(0, p.exitValue(), () -> String.join(" ", pb.command()) + " failed:\n" + out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String packageOf(Path cu) throws IOException {
        Matcher m = Pattern.compile("(?m)^// nabla-ptx-package: *([A-Za-z0-9_/]+) *$").matcher(Files.readString(cu));
        assertTrue(m.find(), cu + " has no '// nabla-ptx-package: a/b/c' line");
        return m.group(1);
    }

    private static String firstDifference(List<String> want, List<String> have) {
        for (int i = 0; i < Math.min(want.size(), have.size()); i++) {
            if (!want.get(i).equals(have.get(i))) {
                return "first difference at line " + (i + 1) + ": nvcc builds '" + want.get(i).strip()
                        + "', the committed file has '" + have.get(i).strip() + "'";
            }
        }
        return "nvcc builds " + want.size() + " lines, the committed file has " + have.size();
    }
}
