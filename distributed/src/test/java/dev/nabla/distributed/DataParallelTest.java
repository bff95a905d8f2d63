package dev.nabla.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ranks on this machine ({@link DataParallelMain} under {@code mpirun -np 2}): the
 * collectives, data-parallel training against single-process training on the global batch,
 * and parameters without a gradient. Skipped, with the reason, without MPI.
 */
class DataParallelTest {
    /** Float64 training of 20 steps; the two sides differ only in the order of summation. */
    private static final double SINGLE_PROCESS_TOLERANCE = 1e-6;

    @TempDir
    static Path dir;
    /** The job, run once; a failed one fails every test without running again. */
    private static MpiJob.Result job;
    /** Per rank, what it recorded. */
    private static List<Map<String, String>> ranks;
    /** The collectives again, with {@code allReduce} on MPI rather than shared memory. */
    private static MpiJob.Result mpiJob;
    private static List<Map<String, String>> mpiRanks;

    /**
     * Runs the job the first time a test asks for its results, after checking that MPI is there,
     * so that each test reports the reason it is skipped.
     */
    private static synchronized List<Map<String, String>> ranks() throws IOException, InterruptedException {
        MpiJob.assumeAvailable();
        if (job == null) {
            job = MpiJob.run(DataParallelMain.class, Duration.ofMinutes(2), dir.toString());
        }
        assertEquals(0, job.exitCode(), "the job failed:\n" + job.output());
        if (ranks == null) {
            ranks = read(dir);
        }
        return ranks;
    }

    private static synchronized List<Map<String, String>> mpiRanks() throws IOException, InterruptedException {
        MpiJob.assumeAvailable();
        Path mpiDir = dir.resolve("mpi");
        if (mpiJob == null) {
            Files.createDirectories(mpiDir);
            mpiJob = MpiJob.run(DataParallelMain.class, Duration.ofMinutes(1),
                    List.of("-D" + SharedMemoryAllReduce.ENABLED_PROPERTY + "=false"), mpiDir.toString(), "collectives");
        }
        assertEquals(0, mpiJob.exitCode(), "the job failed:\n" + mpiJob.output());
        if (mpiRanks == null) {
            mpiRanks = read(mpiDir);
        }
        return mpiRanks;
    }

    private static List<Map<String, String>> read(Path results) throws IOException {
        List<Map<String, String>> recorded = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            Map<String, String> lines = new HashMap<>();
            for (String line : Files.readAllLines(results.resolve("rank" + r + ".txt"))) {
                int space = line.indexOf(' ');
                lines.put(line.substring(0, space), line.substring(space + 1));
            }
            recorded.add(lines);
        }
        return recorded;
    }

    private static String recorded(int rank, String key) throws IOException, InterruptedException {
        return ranks().get(rank).get(key);
    }

    private static double[] values(int rank, String key) throws IOException, InterruptedException {
        return values(ranks(), rank, key);
    }

    private static double[] values(List<Map<String, String>> job, int rank, String key) {
        String v = job.get(rank).get(key);
        assertTrue(v != null, "rank " + rank + " recorded no " + key + ": " + job.get(rank).keySet());
        return Arrays.stream(v.split(" ")).mapToDouble(Double::parseDouble).toArray();
    }

    private static void assertCollectives(List<Map<String, String>> job) {
        for (int r = 0; r < 2; r++) {
            assertArrayEquals(new double[] {2}, values(job, r, "size"));
            assertArrayEquals(new double[] {0}, values(job, r, "allReduce.float32.wrong"), "elements summed wrongly");
            assertArrayEquals(new double[] {0}, values(job, r, "allReduce.float64.odd.wrong"), "elements summed wrongly");
            assertArrayEquals(new double[] {3, 10}, values(job, r, "allReduce.int64"));
            assertArrayEquals(new double[] {1.5, 2.5, 3.5}, values(job, r, "broadcast"));
            assertEquals("broadcast: root 2 is not a rank of this group of size 2", job.get(r).get("broadcast.badRoot.message"));
        }
    }

    @Test
    void collectivesSumAndBroadcast() throws IOException, InterruptedException {
        assertCollectives(ranks());
    }

    @Test
    void collectivesSumThroughMpiWhereSharedMemoryIsOff() throws IOException, InterruptedException {
        assertCollectives(mpiRanks());
    }

    @Test
    void replicasStartFromRankZeroAndStayBitIdentical() throws IOException, InterruptedException {
        assertTrue(values(0, "buckets")[0] > 2, "the gradients should take several buckets");
        assertArrayEquals(values(0, "start"), values(1, "start"), 0.0);
        double[] trained = values(0, "trained");
        assertArrayEquals(trained, values(1, "trained"), 0.0);
        assertFalse(Arrays.equals(values(0, "start"), trained), "training changed nothing");
    }

    @Test
    void trainingEqualsSingleProcessTrainingOnTheGlobalBatch() throws IOException, InterruptedException {
        double[] distributed = values(0, "trained");
        double[] single = values(0, "single");
        assertEquals(single.length, distributed.length);
        double worst = 0;
        for (int i = 0; i < single.length; i++) {
            worst = Math.max(worst, Math.abs(single[i] - distributed[i]));
        }
        assertTrue(worst <= SINGLE_PROCESS_TOLERANCE, "largest difference " + worst);
    }

    @Test
    void unusedParameterIsAnErrorNamingItAndTheSetting() throws IOException, InterruptedException {
        for (int r = 0; r < 2; r++) {
            String message = recorded(r, "unused.strict.message");
            assertTrue(message != null, "backward did not fail on rank " + r);
            assertTrue(message.contains("[1.weight, 1.bias, 2.weight, 2.bias]"), message);
            assertTrue(message.contains("findUnusedParameters = true"), message);
        }
    }

    @Test
    void findUnusedParametersAveragesWhatSomeRankUsed() throws IOException, InterruptedException {
        for (int r = 0; r < 2; r++) {
            // Layer 2 is used by no rank: its gradient stays absent.
            assertEquals("null", recorded(r, "unused.grad.2.weight"));
            assertEquals("null", recorded(r, "unused.grad.2.bias"));
            // Layer 1 only on rank 1, whose bias gradient is the batch size, 4: averaged over two ranks.
            assertArrayEquals(new double[] {2, 2, 2, 2}, values(r, "unused.grad.1.bias"), 0.0);
        }
        for (String key : List.of("unused.grad.0.weight", "unused.grad.0.bias", "unused.grad.1.weight")) {
            assertArrayEquals(values(0, key), values(1, key), 0.0, key);
        }
    }

    @Test
    void aRankThatThrowsEndsTheJobWithItsMessage() throws IOException, InterruptedException {
        MpiJob.assumeAvailable();
        MpiJob.Result job = MpiJob.run(FailingRankMain.class, Duration.ofMinutes(1));
        assertNotEquals(-1, job.exitCode(), "the job hung:\n" + job.output());
        assertNotEquals(0, job.exitCode(), job.output());
        assertTrue(job.output().contains("rank 1 fails on purpose"), job.output());
        assertTrue(job.output().contains("rank 1 of 2 failed"), job.output());
    }
}
