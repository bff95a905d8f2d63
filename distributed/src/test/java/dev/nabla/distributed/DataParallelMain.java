package dev.nabla.distributed;

import dev.nabla.DType;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.nn.Linear;
import dev.nabla.nn.MSELoss;
import dev.nabla.nn.Module;
import dev.nabla.nn.Parameter;
import dev.nabla.nn.Sequential;
import dev.nabla.nn.Tanh;
import dev.nabla.optim.SGD;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The rank program of {@link DataParallelTest}: checks the collectives, trains a float64 MLP with
 * {@link DistributedDataParallel} on this rank's half of a fixed batch (rank 0 also trains a copy
 * of the same start on the whole batch in one process), and records, in {@code rank<r>.txt} of
 * the directory given, one line per result: a key, then values as {@link Double#toString}.
 */
public final class DataParallelMain {
    static final int STEPS = 20;
    static final int GLOBAL_BATCH = 32;
    /** Small buckets, so that the model's gradients take several. */
    static final long BUCKET_BYTES = 1024;

    private final List<String> lines = new ArrayList<>();

    private DataParallelMain() {}

    /**
     * Runs on every rank of the job; {@code args[0]} is the directory for the results, and
     * {@code args[1]}, if given, {@code collectives} to check only those.
     */
    public static void main(String[] args) throws IOException {
        DataParallelMain main = new DataParallelMain();
        try (ProcessGroup group = ProcessGroup.mpi()) {
            main.collectives(group);
            if (args.length < 2 || !args[1].equals("collectives")) {
                main.training(group);
                main.unusedParameters(group);
            }
            Files.write(Path.of(args[0], "rank" + group.rank() + ".txt"), main.lines);
        }
    }

    private void record(String key, double... values) {
        StringBuilder line = new StringBuilder(key);
        for (double v : values) {
            line.append(' ').append(v);
        }
        lines.add(line.toString());
    }

    private void collectives(ProcessGroup group) {
        int rank = group.rank();
        record("size", group.size());
        // 6 MB of float32: more than one chunk.
        int n = 3 * ProcessGroup.CHUNK_BYTES / 8;
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (i % 1000) + rank * 0.5f;
        }
        Tensor big = Tensor.of(values);
        group.allReduce(big);
        float[] sum = big.toFloatArray();
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            if (sum[i] != 2 * (i % 1000) + 0.5f) {
                wrong++;
            }
        }
        record("allReduce.float32.wrong", wrong);
        // float64 of an odd length: pieces that do not divide it, chunks of unequal sizes.
        int m = 3 * ProcessGroup.CHUNK_BYTES / 16 + 5;
        double[] doubles = new double[m];
        for (int i = 0; i < m; i++) {
            doubles[i] = i * 0.25 + rank;
        }
        Tensor odd = Tensor.of(doubles);
        group.allReduce(odd);
        double[] oddSum = odd.toDoubleArray();
        int oddWrong = 0;
        for (int i = 0; i < m; i++) {
            if (oddSum[i] != i * 0.5 + 1) {
                oddWrong++;
            }
        }
        record("allReduce.float64.odd.wrong", oddWrong);
        Tensor counts = Tensor.of((long) rank + 1, 10L * rank);
        group.allReduce(counts);
        record("allReduce.int64", Arrays.stream(counts.toLongArray()).asDoubleStream().toArray());
        Tensor b = rank == 1 ? Tensor.of(1.5, 2.5, 3.5) : Tensor.zeros(DType.FLOAT64, 3);
        group.broadcast(b, 1);
        record("broadcast", b.toDoubleArray());
        group.barrier();
        try {
            group.broadcast(b, 2);
            record("broadcast.badRoot", 0);
        } catch (IllegalArgumentException e) {
            lines.add("broadcast.badRoot.message " + e.getMessage());
        }
    }

    private static Sequential mlp() {
        Sequential m = new Sequential(new Linear(8, 16), new Tanh(), new Linear(16, 16), new Tanh(), new Linear(16, 4));
        m.to(DType.FLOAT64);
        return m;
    }

    private void training(ProcessGroup group) {
        int rank = group.rank();
        int local = GLOBAL_BATCH / group.size();
        Nabla.manualSeed(7);
        Tensor x = Tensor.randn(DType.FLOAT64, GLOBAL_BATCH, 8);
        Tensor y = Tensor.randn(DType.FLOAT64, GLOBAL_BATCH, 4);
        // A different start on each rank: the wrapper must replace it by rank 0's.
        Nabla.manualSeed(100 + rank);
        Sequential model = mlp();
        Sequential single = null;
        if (rank == 0) {
            single = mlp();
            single.loadStateDict(model.stateDict());
        }
        DistributedDataParallel ddp = new DistributedDataParallel(model, group, BUCKET_BYTES, false);
        record("buckets", ddp.bucketCount());
        record("start", flatten(model));
        MSELoss mse = new MSELoss();
        SGD opt = new SGD(model.parameters(), 0.1);
        Tensor xs = x.narrow(0, (long) rank * local, local);
        Tensor ys = y.narrow(0, (long) rank * local, local);
        for (int step = 0; step < STEPS; step++) {
            model.zeroGrad();
            mse.forward(model.forward(xs), ys).backward();
            opt.step();
        }
        record("trained", flatten(model));
        if (single != null) {
            SGD singleOpt = new SGD(single.parameters(), 0.1);
            for (int step = 0; step < STEPS; step++) {
                single.zeroGrad();
                mse.forward(single.forward(x), y).backward();
                singleOpt.step();
            }
            record("single", flatten(single));
        }
    }

    /** Rank 1 also runs a second layer that rank 0 skips; a third layer no rank uses. */
    private void unusedParameters(ProcessGroup group) {
        Nabla.manualSeed(11);
        Tensor x = Tensor.randn(DType.FLOAT64, 4, 8);
        Linear first = new Linear(8, 4);
        Linear second = new Linear(4, 4);
        Linear never = new Linear(4, 4);
        Sequential strict = new Sequential(first, second, never);
        strict.to(DType.FLOAT64);
        new DistributedDataParallel(strict, group, BUCKET_BYTES, false);
        try {
            first.forward(x).sum().backward();
            record("unused.strict.error", 0);
        } catch (IllegalStateException e) {
            lines.add("unused.strict.message " + e.getMessage());
        }

        Linear a = new Linear(8, 4);
        Linear b = new Linear(4, 4);
        Linear c = new Linear(4, 4);
        Sequential lenient = new Sequential(a, b, c);
        lenient.to(DType.FLOAT64);
        new DistributedDataParallel(lenient, group, BUCKET_BYTES, true);
        Tensor h = a.forward(x);
        if (group.rank() == 1) {
            h = b.forward(h);
        }
        h.sum().backward();
        for (Map.Entry<String, Parameter> e : lenient.namedParameters().entrySet()) {
            Tensor g = e.getValue().grad();
            if (g == null) {
                lines.add("unused.grad." + e.getKey() + " null");
            } else {
                record("unused.grad." + e.getKey(), g.toDoubleArray());
            }
        }
    }

    private static double[] flatten(Module m) {
        List<Double> all = new ArrayList<>();
        for (Parameter p : m.parameters()) {
            for (double v : p.toDoubleArray()) {
                all.add(v);
            }
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
