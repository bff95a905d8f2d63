package dev.nabla.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Grad;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.backend.cuda.Cuda;
import dev.nabla.data.DataLoader;
import dev.nabla.data.Datasets;
import dev.nabla.data.TensorDataset;
import dev.nabla.nn.Conv2d;
import dev.nabla.nn.CrossEntropyLoss;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.Linear;
import dev.nabla.nn.MaxPool2d;
import dev.nabla.nn.ReLU;
import dev.nabla.nn.Sequential;
import dev.nabla.nn.UnaryModule;
import dev.nabla.optim.Adam;
import dev.nabla.optim.AdamW;
import dev.nabla.samples.ops.MyReLUFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Nabla's side of the side-by-side benchmarks: the workloads of
 * {@code shared/bench/pytorch_side.py}, measured the same way (the median of repeated runs
 * after warm-up) and printed as the same JSON lines, one per workload.
 *
 * <pre>java -cp ... dev.nabla.benchmarks.Bench [--quick] [--only NAME,NAME]</pre>
 */
public final class Bench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WARMUP_NANOS = 1_500_000_000L;

    private final boolean quick;

    private Bench(boolean quick) {
        this.quick = quick;
    }

    /** Runs the workloads and prints one JSON line each. */
    public static void main(String[] args) {
        boolean quick = false;
        Set<String> only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick":
                    quick = true;
                    break;
                case "--only":
                    only = Set.of(args[++i].split(","));
                    break;
                case "--help":
                    System.out.println("usage: Bench [--quick] [--only WORKLOAD,...]");
                    return;
                default:
                    throw new IllegalArgumentException("unknown argument " + args[i] + "; try --help");
            }
        }
        new Bench(quick).run(only);
    }

    private void run(Set<String> only) {
        Nabla.manualSeed(0);
        if (only == null || only.contains("tiny_step")) {
            emit("tiny_step", tinyStep(quick ? 2000 : 20000), "us/step", "lower");
        }
        // The generated op is what PyTorch's custom Function is compared with; the hand-written
        // one beside it measures what the generated code costs (target: within 5%).
        if (only == null || only.contains("custom_op_16")) {
            emit("custom_op_16", customOp(16, quick ? 2000 : 20000, true), "us/call", "lower");
        }
        if (only == null || only.contains("custom_op_16_handwritten")) {
            emit("custom_op_16_handwritten", customOp(16, quick ? 2000 : 20000, false), "us/call", "lower");
        }
        if (only == null || only.contains("custom_op_1m")) {
            emit("custom_op_1m", customOp(1 << 20, quick ? 5 : 50, true), "us/call", "lower");
        }
        if (only == null || only.contains("custom_op_1m_handwritten")) {
            emit("custom_op_1m_handwritten", customOp(1 << 20, quick ? 5 : 50, false), "us/call", "lower");
        }
        int[] sizes = quick ? new int[] {256, 1024} : new int[] {256, 512, 1024, 2048};
        for (int n : sizes) {
            String name = "matmul_" + n;
            if (only == null || only.contains(name)) {
                emit(name, matmul(n, Device.CPU), "GFLOP/s", "higher");
            }
        }
        if (only == null || only.contains("add_16m")) {
            emit("add_16m", elementwiseAdd(1 << 24, Device.CPU) / 1e9, "GB/s", "higher");
        }
        if (only == null || only.contains("mlp_digits") || only.contains("mlp_digits_train_acc")) {
            double[] result = mlpDigits(quick ? 2 : 10);
            emit("mlp_digits", result[0], "samples/s", "higher");
            emit("mlp_digits_train_acc", result[1], "fraction", "higher");
        }
        if (only == null || only.contains("transformer_step")) {
            emit("transformer_step", transformerStep(quick ? 20 : 100), "us/step", "lower");
        }
        if (only == null || only.contains("cnn_digits") || only.contains("cnn_digits_train_acc")) {
            double[] result = cnnDigits(quick ? 2 : 10);
            emit("cnn_digits", result[0], "samples/s", "higher");
            emit("cnn_digits_train_acc", result[1], "fraction", "higher");
        }
        // The GPU workloads (cuda_pytorch_side.py is PyTorch's side) run only where asked for by
        // name, or all of them with --only cuda, and say why when CUDA cannot run here.
        if (only != null && only.stream().anyMatch(w -> w.startsWith("cuda"))) {
            if (!Cuda.isAvailable()) {
                System.err.println("Bench: skipping the CUDA workloads: " + Cuda.unavailableReason());
                return;
            }
            runCuda(only);
        }
    }

    private void runCuda(Set<String> only) {
        Predicate<String> wanted = w -> only.contains("cuda") || only.contains(w);
        if (wanted.test("cuda_add_64m")) {
            double bytesPerSecond = elementwiseAdd(1 << 26, Device.CUDA);
            emit("cuda_add_64m", bytesPerSecond / 1e9, "GB/s", "higher");
            emit("cuda_add_64m_of_peak", bytesPerSecond / Cuda.memoryBandwidth(0), "fraction", "higher");
        }
        if (wanted.test("cuda_relu_4m")) {
            emit("cuda_relu_4m", cudaRelu(1 << 22, 100), "us/op", "lower");
        }
        if (wanted.test("cuda_matmul_4096")) {
            emit("cuda_matmul_4096", matmul(4096, Device.CUDA), "GFLOP/s", "higher");
        }
        if (wanted.test("cuda_matmul_4096_nt")) {
            emit("cuda_matmul_4096_nt", cudaMatmulTransposed(4096), "GFLOP/s", "higher");
        }
        if (wanted.test("cuda_tiny_op")) {
            emit("cuda_tiny_op", cudaTinyOp(quick ? 2000 : 20000), "us/op", "lower");
        }
        if (wanted.test("cuda_adam_21m")) {
            emit("cuda_adam_21m", cudaAdamLarge(), "ms/step", "lower");
        }
        if (wanted.test("cuda_mlp_small")) {
            double[] r = cudaMlp(new long[] {64, 256, 256, 10}, 64, 200);
            emit("cuda_mlp_small", r[0], "steps/s", "higher");
            emit("cuda_mlp_small_peak_reserved", r[1], "MB", "lower");
            emit("cuda_mlp_small_gc_share", r[2], "fraction", "lower");
        }
        if (wanted.test("cuda_mlp_large")) {
            double[] r = cudaMlp(new long[] {1024, 4096, 4096, 10}, 1024, 50);
            emit("cuda_mlp_large", r[0], "steps/s", "higher");
            emit("cuda_mlp_large_peak_reserved", r[1], "MB", "lower");
            emit("cuda_mlp_large_gc_share", r[2], "fraction", "lower");
        }
    }

    /** {@code a.mm(b.t())} of {@code n x n} float32 matrices on {@code cuda:0}, GFLOP/s, as many products a run as {@link #matmul}. */
    private double cudaMatmulTransposed(int n) {
        Tensor a = Tensor.randn(n, n).to(Device.CUDA);
        Tensor b = Tensor.randn(n, n).to(Device.CUDA);
        int reps = Math.max(3, (int) (2e10 / (2.0 * n * n * n)));
        double seconds = medianSeconds(() -> {
            for (int i = 0; i < reps; i++) {
                a.mm(b.t());
            }
            Cuda.synchronize();
        }, 2, 5);
        return 2.0 * n * n * n * reps / seconds / 1e9;
    }

    /**
     * {@code relu} of {@code n} float32 elements into a fresh output on {@code cuda:0},
     * microseconds per op: the unary kernel's contiguous path plus the output's allocation.
     */
    private double cudaRelu(int n, int ops) {
        Tensor a = Tensor.randn(n).to(Device.CUDA);
        double seconds = medianSeconds(() -> {
            for (int i = 0; i < ops; i++) {
                a.relu();
            }
            Cuda.synchronize();
        }, 2, 5);
        return seconds / ops * 1e6;
    }

    /** {@code a + b} of 16 floats into a fresh output on {@code cuda:0}, microseconds per op: the per-op host cost. */
    private double cudaTinyOp(int ops) {
        Tensor a = Tensor.randn(16).to(Device.CUDA);
        Tensor b = Tensor.randn(16).to(Device.CUDA);
        double seconds = medianSeconds(() -> {
            for (int i = 0; i < ops; i++) {
                a.add(b);
            }
            Cuda.synchronize();
        }, 2, 5);
        return seconds / ops * 1e6;
    }

    /**
     * One Adam step (lr 1e-3) over the parameters of the 1024-4096-4096-10 MLP (21.0 million
     * floats) with the gradients of one backward pass, milliseconds per step.
     */
    private double cudaAdamLarge() {
        Sequential model = cudaMlpModel(new long[] {1024, 4096, 4096, 10});
        Adam adam = new Adam(model.parameters(), 1e-3);
        new CrossEntropyLoss().forward(model.forward(Tensor.randn(64, 1024).to(Device.CUDA)), cudaLabels(64, 10))
                .backward();
        int steps = 20;
        double seconds = medianSeconds(() -> {
            for (int i = 0; i < steps; i++) {
                adam.step();
            }
            Cuda.synchronize();
        }, 2, 5);
        return seconds / steps * 1e3;
    }

    /**
     * Training an MLP of the given widths (ReLU between, cross-entropy, Adam at lr 1e-3) on one
     * random batch of {@code batch} rows on {@code cuda:0}: steps per second over runs of
     * {@code steps} steps, and the peak of {@link Cuda#maxMemoryReserved()} in MB (2^20 bytes)
     * from building the model on, the pool emptied first, as PyTorch's side measures it; and the
     * share of the whole workload's time the JVM spent collecting garbage (Nabla's side only: what
     * collecting under allocation pressure costs, to weigh against the peak).
     */
    private double[] cudaMlp(long[] widths, int batch, int steps) {
        System.gc();
        Cuda.emptyCache();
        Cuda.resetPeakMemoryStats();
        long gcMillis = gcMillis();
        long start = System.nanoTime();
        Sequential model = cudaMlpModel(widths);
        Adam adam = new Adam(model.parameters(), 1e-3);
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        Tensor x = Tensor.randn(batch, widths[0]).to(Device.CUDA);
        Tensor y = cudaLabels(batch, widths[widths.length - 1]);
        double seconds = medianSeconds(() -> {
            for (int i = 0; i < steps; i++) {
                adam.zeroGrad();
                lossFn.forward(model.forward(x), y).backward();
                adam.step();
            }
            Cuda.synchronize();
        }, 2, 5);
        double gcShare = (gcMillis() - gcMillis) / ((System.nanoTime() - start) / 1e6);
        return new double[] {steps / seconds, Cuda.maxMemoryReserved() / (double) (1 << 20), gcShare};
    }

    /** Milliseconds the JVM's collectors have spent so far. */
    private static long gcMillis() {
        long sum = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    /** Linear layers of the given widths with ReLU between them, seeded with 0, on {@code cuda:0}. */
    private static Sequential cudaMlpModel(long[] widths) {
        Nabla.manualSeed(0);
        List<UnaryModule> layers = new ArrayList<>();
        for (int i = 0; i + 1 < widths.length; i++) {
            if (i > 0) {
                layers.add(new ReLU());
            }
            layers.add(new Linear(widths[i], widths[i + 1]));
        }
        Sequential model = new Sequential(layers.toArray(new UnaryModule[0]));
        model.to(Device.CUDA);
        return model;
    }

    /** {@code n} random class labels below {@code classes}, on {@code cuda:0}. */
    private static Tensor cudaLabels(int n, long classes) {
        return Tensor.of(new SplittableRandom(1).longs(n, 0, classes).toArray()).to(Device.CUDA);
    }

    /**
     * The digits MLP of {@code pytorch_side.py}: 64-256-256-10 with ReLU, Adam at lr 1e-3,
     * cross-entropy, batches of 64 in a fresh random order each epoch; training samples per
     * second over {@code epochs} epochs, and the accuracy on the training set afterwards.
     */
    private double[] mlpDigits(int epochs) {
        TensorDataset digits = Datasets.digits();
        Tensor x = digits.tensor(0);
        Tensor y = digits.tensor(1);
        // A throwaway model warms the JIT, so that the measured one trains exactly as many
        // epochs as PyTorch's (one warm-up call and three timed ones) and its accuracy compares.
        medianSeconds(mlpTraining(digits, epochs, new Sequential[1]), 1, 1);
        Sequential[] model = new Sequential[1];
        double seconds = medianSecondsAfter(mlpTraining(digits, epochs, model), 1, 3);
        double accuracy;
        try (Grad.Scope off = Grad.disabled()) {
            accuracy = model[0].forward(x).argmax(1).eq(y).to(DType.FLOAT32).mean().item();
        }
        return new double[] {x.size(0) * (double) epochs / seconds, accuracy};
    }

    /** Creates a model seeded with 0 into {@code model[0]}; each call of the result trains it {@code epochs} more epochs. */
    private static Runnable mlpTraining(TensorDataset digits, int epochs, Sequential[] model) {
        Nabla.manualSeed(0);
        model[0] = new Sequential(
                new Linear(64, 256), new ReLU(),
                new Linear(256, 256), new ReLU(),
                new Linear(256, 10));
        return training(digits, epochs, model[0]);
    }

    /**
     * The digits CNN of {@code pytorch_side.py}: the images as {@code [N, 1, 8, 8]} (pixels / 16,
     * as for the MLP), Conv2d(1, 32, 3, padding 1) - ReLU - Conv2d(32, 64, 3, padding 1) - ReLU -
     * MaxPool2d(2) - Flatten - Linear(1024, 128) - ReLU - Linear(128, 10), trained and timed as
     * {@link #mlpDigits}: samples per second, then the training accuracy.
     */
    private double[] cnnDigits(int epochs) {
        TensorDataset flat = Datasets.digits();
        TensorDataset digits = new TensorDataset(flat.tensor(0).reshape(-1, 1, 8, 8), flat.tensor(1));
        Tensor x = digits.tensor(0);
        Tensor y = digits.tensor(1);
        medianSeconds(cnnTraining(digits, epochs, new Sequential[1]), 1, 1);
        Sequential[] model = new Sequential[1];
        double seconds = medianSecondsAfter(cnnTraining(digits, epochs, model), 1, 3);
        double accuracy;
        try (Grad.Scope off = Grad.disabled()) {
            accuracy = model[0].forward(x).argmax(1).eq(y).to(DType.FLOAT32).mean().item();
        }
        return new double[] {x.size(0) * (double) epochs / seconds, accuracy};
    }

    /** As {@link #mlpTraining}, for the CNN of {@link #cnnDigits}. */
    private static Runnable cnnTraining(TensorDataset digits, int epochs, Sequential[] model) {
        Nabla.manualSeed(0);
        model[0] = new Sequential(
                new Conv2d(1, 32, 3, 1, 1), new ReLU(),
                new Conv2d(32, 64, 3, 1, 1), new ReLU(),
                new MaxPool2d(2), new Flatten(),
                new Linear(1024, 128), new ReLU(),
                new Linear(128, 10));
        return training(digits, epochs, model[0]);
    }

    /** Adam at lr 1e-3 and cross-entropy over batches of 64 in a fresh random order each epoch; each call trains {@code epochs} epochs. */
    private static Runnable training(TensorDataset digits, int epochs, Sequential m) {
        Adam optimizer = new Adam(m.parameters(), 1e-3);
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        DataLoader loader = DataLoader.builder(digits).batchSize(64).shuffle(true).build();
        return () -> {
            for (int e = 0; e < epochs; e++) {
                for (Tensor[] batch : loader) {
                    optimizer.zeroGrad();
                    lossFn.forward(m.forward(batch[0]), batch[1]).backward();
                    optimizer.step();
                }
            }
        };
    }

    /**
     * {@code transformer_step} of {@code pytorch_side.py}: a training step (zero grad, forward,
     * cross-entropy over all 16 x 64 next-token targets, backward, AdamW at lr 3e-4) of
     * {@link TinyLm} (vocab 96, width 128, 4 heads, feed-forward 512, 2 layers) on random tokens;
     * the median step in microseconds over {@code steps} steps after warm-up.
     */
    private double transformerStep(int steps) {
        Nabla.manualSeed(0);
        int vocab = 96;
        int batch = 16;
        int seq = 64;
        Tensor data = Tensor.rand(batch, seq + 1).mul(vocab).to(DType.INT64);
        Tensor tokens = data.narrow(1, 0, seq).contiguous();
        Tensor targets = data.narrow(1, 1, seq).reshape(-1);
        TinyLm model = new TinyLm(vocab, seq, 128, 4, 512);
        AdamW optimizer = new AdamW(model.parameters(), 3e-4);
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        Runnable step = () -> {
            optimizer.zeroGrad();
            lossFn.forward(model.forward(tokens).reshape(-1, vocab), targets).backward();
            optimizer.step();
        };
        return medianSeconds(step, 3, steps) * 1e6;
    }

    /**
     * Median seconds of {@code repeats} calls after at least {@code warmups} warm-up calls and
     * at least {@link #WARMUP_NANOS} of warming up: the JIT compiles the hot path in the
     * first second or so, and PyTorch's side has no such phase to measure.
     */
    static double medianSeconds(Runnable fn, int warmups, int repeats) {
        long start = System.nanoTime();
        for (int i = 0; i < warmups || System.nanoTime() - start < WARMUP_NANOS; i++) {
            fn.run();
        }
        return medianSecondsAfter(fn, 0, repeats);
    }

    /** Median seconds of {@code repeats} calls after exactly {@code warmups} warm-up calls. */
    static double medianSecondsAfter(Runnable fn, int warmups, int repeats) {
        for (int i = 0; i < warmups; i++) {
            fn.run();
        }
        double[] times = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t = System.nanoTime();
            fn.run();
            times[i] = (System.nanoTime() - t) / 1e9;
        }
        Arrays.sort(times);
        return times[repeats / 2];
    }

    /** {@code (x*2+1).relu().sum()} forward and backward on 16 floats, microseconds per step. */
    private double tinyStep(int steps) {
        Tensor x = Tensor.randn(16).requiresGrad(true);
        double seconds = medianSeconds(() -> {
            for (int i = 0; i < steps; i++) {
                x.mul(2).add(1).relu().sum().backward();
            }
        }, 5, 5);
        return seconds / steps * 1e6;
    }

    /**
     * MyReLU's call and backward, microseconds per call: the op the processor generated from
     * {@code dev.nabla.samples.ops.MyReLU} ({@code generated}), or the same op hand-written on
     * {@code Function}.
     */
    private double customOp(int n, int steps, boolean generated) {
        Tensor x = Tensor.randn(n).requiresGrad(true);
        Runnable calls = generated
                ? () -> {
                    for (int i = 0; i < steps; i++) {
                        MyReLUFunction.apply(x).sum().backward();
                    }
                }
                : () -> {
                    for (int i = 0; i < steps; i++) {
                        new MyReLU().apply(x)[0].sum().backward();
                    }
                };
        double seconds = medianSeconds(calls, 5, 5);
        return seconds / steps * 1e6;
    }

    /** A float32 {@code n x n} product on {@code device}, GFLOP/s; as many products a run as PyTorch's side does. */
    private double matmul(int n, Device device) {
        Tensor a = Tensor.randn(n, n).to(device);
        Tensor b = Tensor.randn(n, n).to(device);
        int reps = Math.max(3, (int) (2e10 / (2.0 * n * n * n)));
        double seconds = medianSeconds(() -> {
            for (int i = 0; i < reps; i++) {
                a.mm(b);
            }
            finish(device);
        }, 2, 5);
        return 2.0 * n * n * n * reps / seconds / 1e9;
    }

    /** {@code a + b} into a preallocated {@code out} on {@code device}, bytes moved per second. */
    private double elementwiseAdd(int n, Device device) {
        Tensor a = Tensor.randn(n).to(device);
        Tensor b = Tensor.randn(n).to(device);
        Tensor out = Tensor.zeros(n).to(device);
        double seconds = medianSeconds(() -> {
            for (int i = 0; i < 10; i++) {
                a.add(b, out);
            }
            finish(device);
        }, 2, 5);
        return 3.0 * 4 * n * 10 / seconds;
    }

    /** Waits for the work issued on {@code device}: CUDA launches return before their kernels end. */
    private static void finish(Device device) {
        if (device.isCuda()) {
            Cuda.synchronize();
        }
    }

    private static void emit(String workload, double value, String unit, String better) {
        ObjectNode line = JSON.createObjectNode();
        line.put("workload", workload);
        line.put("value", Math.round(value * 1e6) / 1e6);
        line.put("unit", unit);
        line.put("better", better);
        System.out.println(line);
        System.out.flush();
    }
}
