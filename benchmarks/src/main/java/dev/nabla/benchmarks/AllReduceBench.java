package dev.nabla.benchmarks;

import dev.nabla.Tensor;
import dev.nabla.distributed.ProcessGroup;
import java.util.Arrays;

/**
 * {@code allreduce_16m}: {@link ProcessGroup#allReduce} of a 16 MiB float32 tensor across the
 * ranks of an {@code mpirun} job (two on one machine in {@code run.sh}, which sum through
 * shared memory), in GB/s of tensor summed (16 MiB over the time of one call, the tensor's
 * copies included), with {@code memcpy_16m}, a 16 MiB {@code System.arraycopy} in GB/s, beside it
 * for scale. Rank 0 prints both as JSON lines like {@link Bench}'s; each figure is the median
 * of 7 rounds of 10 calls, the ranks meeting at a barrier before each round.
 */
public final class AllReduceBench {
    private static final int FLOATS = 4 << 20;
    private static final double BYTES = FLOATS * 4.0;
    private static final int ROUNDS = 7;
    private static final int CALLS = 10;

    private AllReduceBench() {}

    /** Runs on every rank of the job. */
    public static void main(String[] args) {
        try (ProcessGroup group = ProcessGroup.mpi()) {
            Tensor t = Tensor.rand(FLOATS);
            for (int i = 0; i < 3; i++) {
                group.allReduce(t);
            }
            double[] allReduce = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                group.barrier();
                long started = System.nanoTime();
                for (int i = 0; i < CALLS; i++) {
                    group.allReduce(t);
                }
                allReduce[r] = BYTES * CALLS / (System.nanoTime() - started);
            }
            float[] from = new float[FLOATS];
            float[] to = new float[FLOATS];
            double[] memcpy = new double[ROUNDS];
            for (int r = 0; r < ROUNDS + 3; r++) {
                long started = System.nanoTime();
                for (int i = 0; i < CALLS; i++) {
                    System.arraycopy(from, 0, to, 0, FLOATS);
                }
                if (r >= 3) {
                    memcpy[r - 3] = BYTES * CALLS / (System.nanoTime() - started);
                }
            }
            if (group.rank() == 0) {
                System.out.println(line("allreduce_16m", median(allReduce)));
                System.out.println(line("memcpy_16m", median(memcpy)));
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String line(String workload, double gbPerSecond) {
        return String.format("{\"workload\":\"%s\",\"value\":%.3f,\"unit\":\"GB/s\",\"better\":\"higher\"}", workload,
                gbPerSecond);
    }
}
