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
import dev.nabla.nn.CrossEntropyLoss;
import dev.nabla.nn.Linear;
import dev.nabla.nn.ReLU;
import dev.nabla.nn.Sequential;
import dev.nabla.optim.Adam;
import dev.nabla.samples.ops.MyReLUFunction;
import java.util.Arrays;

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
        java.util.Set<String> only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick":
                    quick = true;
                    break;
                case "--only":
                    only = java.util.Set.of(args[++i].split(","));
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

    private void run(java.util.Set<String> only) {
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
        // The GPU workloads (cuda_pytorch_side.py is PyTorch's side) run only where asked for by
        // name, and say why when CUDA cannot run here.
        if (only != null && (only.contains("cuda_add_64m") || only.contains("cuda_matmul_4096"))) {
            if (!Cuda.isAvailable()) {
                System.err.println("Bench: skipping the CUDA workloads: " + Cuda.unavailableReason());
                return;
            }
            if (only.contains("cuda_add_64m")) {
                double bytesPerSecond = elementwiseAdd(1 << 26, Device.CUDA);
                emit("cuda_add_64m", bytesPerSecond / 1e9, "GB/s", "higher");
                emit("cuda_add_64m_of_peak", bytesPerSecond / Cuda.memoryBandwidth(0), "fraction", "higher");
            }
            if (only.contains("cuda_matmul_4096")) {
                emit("cuda_matmul_4096", matmul(4096, Device.CUDA), "GFLOP/s", "higher");
            }
        }
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
        Sequential m = model[0];
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
