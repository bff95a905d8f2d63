package dev.nabla.backend.cuda;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * A measurement, not a test: the host cost of one tiny op (checks, output allocation, layout,
 * argument packing, launch call, autograd record) on the CUDA backend, with a {@link Driver}
 * whose launches and memory calls do nothing, so that only the Java side is timed. The same ops
 * on the CPU backend are timed beside them for context. Prints one line per case, in
 * microseconds per op: the median of several rounds after warm-up, of that the share of
 * the collector's pauses, and the best round (the least disturbed on a shared machine) (every output's storage is garbage the collector finds, and on CUDA
 * each is watched by a phantom reference until its block returns to the pool).
 *
 * <p>Run it from the project root, after {@code mvn -B -q -o -pl runtime -am test-compile}:
 * <pre>
 * java -XX:+UseParallelGC -Xms1g -Xmx1g \
 *   -cp runtime/target/test-classes:runtime/target/classes:$(cat /tmp/cp.txt) \
 *   dev.nabla.backend.cuda.HostCostProbe [ops per round] [rounds] [cases]
 * </pre>
 * where {@code /tmp/cp.txt} comes from {@code mvn -B -q -o -pl runtime dependency:build-classpath
 * -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test}. Name one case (e.g. {@code "cuda add 16"},
 * which also runs {@code "cuda add 16 requiresGrad"}) to run it in a JVM of its own, as
 * {@code benchmarks/run.sh} runs each workload: in one JVM the JIT's profile of the CUDA cases
 * slows the CPU ones that run the same methods later (seen: the CPU's add at 1.4 to 3.4 us
 * after them, 0.07 us alone). Profile it by adding
 * {@code -XX:+FlightRecorder -XX:StartFlightRecording=filename=/tmp/hostcost.jfr} and reading
 * {@code jfr print --events jdk.ExecutionSample /tmp/hostcost.jfr}.
 */
final class HostCostProbe {
    private HostCostProbe() {}

    /**
     * A device that accepts every call and does nothing: memory is addresses with no bytes
     * behind them and launches return at once.
     */
    static final class NullDevice extends Driver {
        /** Stands in for {@link PtxModule}'s functions by device and name, looked up as it does. */
        private final Map<Integer, Map<String, Object>> functions = new ConcurrentHashMap<>();

        @Override
        String unavailableReason() {
            return "";
        }

        @Override
        int deviceCount() {
            return 1;
        }

        @Override
        double memoryBandwidth(int device) {
            return 1e12;
        }

        @Override
        CUdeviceptr malloc(int device, long bytes) {
            return new CUdeviceptr();
        }

        @Override
        void free(int device, CUdeviceptr ptr) {
            // Nothing was held.
        }

        @Override
        void memsetZero(int device, CUdeviceptr ptr, long bytes) {
            // No bytes behind the address.
        }

        @Override
        void copyToDevice(int device, CUdeviceptr dst, Object array, int from, long bytes) {
            // No bytes behind the address.
        }

        @Override
        void copyToHost(int device, Object array, int from, CUdeviceptr src, long bytes) {
            // No bytes behind the address.
        }

        @Override
        void copyOnDevice(int device, CUdeviceptr dst, CUdeviceptr src, long bytes) {
            // No bytes behind the address.
        }

        @Override
        void launch(int device, PtxModule module, String function, int gridX, int gridY, int gridZ, int blockX,
                    KernelArgs args) {
            // What JCudaCalls does besides the native calls: the kernel's function looked up, and its parameters.
            lastFunction = functions.computeIfAbsent(device, d -> new ConcurrentHashMap<>())
                    .computeIfAbsent(function, f -> new Object());
            lastParams = args.toParams();
        }

        @Override
        int residentBlocks(int device, PtxModule module, String function) {
            // An H200's 132 multiprocessors, 8 blocks each, as the emulated device answers.
            return 132 * 8;
        }

        @Override
        boolean gemm(int device, DType dtype, boolean transA, boolean transB, int m, int n, int k, CUdeviceptr a,
                     int lda, long strideA, CUdeviceptr b, int ldb, long strideB, CUdeviceptr c, int ldc, long strideC,
                     int batch) {
            // As on the H200 measured, where cuBLAS did not load: the gemm kernels run.
            return false;
        }

        @Override
        void synchronize() {
            // Nothing runs.
        }
    }

    /** Keep the JIT from discarding what the ops and the null device's launches compute. */
    static volatile int blackhole;
    static Object lastFunction;
    static Pointer lastParams;

    /**
     * @param args ops per round (default 200000), rounds (default 7), and the cases to run: those whose
     *     name contains this text (default all)
     */
    public static void main(String[] args) {
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        String only = args.length > 2 ? args[2] : "";
        Driver previous = CudaDriver.use(new NullDevice());
        try {
            Map<String, Supplier<Runnable>> cases = new LinkedHashMap<>();
            for (Device device : new Device[] {Device.CUDA, Device.CPU}) {
                String on = device.isCuda() ? "cuda" : "cpu";
                cases.put(on + " add 16", () -> binaryOp(device, false));
                cases.put(on + " add 16 requiresGrad", () -> binaryOp(device, true));
                cases.put(on + " relu 16", () -> {
                    Tensor a = Tensor.randn(16).to(device);
                    return () -> sink(a.relu());
                });
                cases.put(on + " matmul 16x16", () -> {
                    Tensor a = Tensor.randn(16, 16).to(device);
                    Tensor b = Tensor.randn(16, 16).to(device);
                    return () -> sink(a.matmul(b));
                });
            }
            for (Map.Entry<String, Supplier<Runnable>> c : cases.entrySet()) {
                if (!c.getKey().contains(only)) {
                    continue;
                }
                Nabla.manualSeed(0);
                double[][] us = time(c.getValue().get(), ops, rounds);
                System.out.printf("%-30s %7.3f us/op, of which collector %6.3f, best round %6.3f (rounds: %s)%n",
                        c.getKey(), median(us[0]), median(us[1]), Arrays.stream(us[0]).min().orElseThrow(), format(us[0]));
            }
        } finally {
            CudaDriver.use(previous);
        }
    }

    private static Runnable binaryOp(Device device, boolean requiresGrad) {
        Tensor a = Tensor.randn(16).to(device).requiresGrad(requiresGrad);
        Tensor b = Tensor.randn(16).to(device);
        return () -> sink(a.add(b));
    }

    private static void sink(Tensor t) {
        blackhole ^= t.dim();
    }

    /**
     * Microseconds per op of each round, after as many rounds of warm-up: {@code [0]} in all,
     * {@code [1]} in the collector's pauses.
     */
    private static double[][] time(Runnable op, int ops, int rounds) {
        double[][] us = new double[2][rounds];
        for (int r = -rounds; r < rounds; r++) {
            long collectorMillis = collectorMillis();
            long start = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                op.run();
            }
            long elapsed = System.nanoTime() - start;
            if (r >= 0) {
                us[0][r] = elapsed / 1e3 / ops;
                us[1][r] = (collectorMillis() - collectorMillis) * 1e3 / ops;
            }
        }
        return us;
    }

    private static long collectorMillis() {
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, gc.getCollectionTime());
        }
        return millis;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String format(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format("%.2f", v));
        }
        return sb.toString();
    }
}
