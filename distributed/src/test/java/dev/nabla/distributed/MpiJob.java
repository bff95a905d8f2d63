package dev.nabla.distributed;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a test's rank program on two ranks with {@code mpirun} on this machine (shared memory
 * only), with this JVM's class path. Tests skip, saying why, where MPI or the binding is absent.
 */
final class MpiJob {
    /** What a finished job left: its exit status and everything the ranks and mpirun printed. */
    record Result(int exitCode, String output, Duration took) {}

    private MpiJob() {}

    /** Skips the calling test unless {@code mpirun} is on the PATH and this build has the MPI binding. */
    static void assumeAvailable() {
        assumeTrue(mpirun() != null, "mpirun is not on the PATH: apt-get install openmpi-bin libopenmpi-dev (.ci/run does)");
        boolean binding;
        try {
            Class.forName("dev.nabla.distributed.MpiProcessGroup");
            binding = true;
        } catch (ClassNotFoundException e) {
            binding = false;
        }
        assumeTrue(binding, "this build has no MPI binding: run distributed/mpi/build-binding.sh, then rebuild");
    }

    /**
     * Runs {@code main} on two ranks and waits at most {@code timeout}; a job still running then is
     * killed and reported with exit status -1.
     */
    static Result run(Class<?> main, Duration timeout, String... args) throws IOException, InterruptedException {
        return run(main, timeout, List.of(), args);
    }

    /** As {@link #run(Class, Duration, String...)}, with {@code jvmOptions} (such as {@code -Dkey=value}) for each rank's JVM. */
    static Result run(Class<?> main, Duration timeout, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(mpirun(), "--allow-run-as-root", "--oversubscribe", "-np", "2",
                "--mca", "btl", "self,vader", "--bind-to", "none",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("nabla-mpi-job", ".log");
        long started = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int exit;
        if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            exit = p.exitValue();
        } else {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            exit = -1;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Result(exit, output, took);
    }

    private static String mpirun() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "mpirun");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }
}
