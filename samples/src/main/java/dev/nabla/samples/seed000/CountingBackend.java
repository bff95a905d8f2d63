package dev.nabla.samples.seed000;

import com.google.auto.service.AutoService;
import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Tensor;
import dev.nabla.backend.Backend;
import dev.nabla.backend.BinaryOp;
import dev.nabla.backend.ReduceOp;
import dev.nabla.backend.Storage;
import dev.nabla.backend.UnaryOp;
import dev.nabla.backend.cpu.CpuBackend;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

/**
 * Seed 000's custom backend: a CPU backend of our own, registered from this jar with
 * {@code @AutoService(Backend.class)} and selected by name, the Java form of
 * {@code torch.backends.custom_backend = 'my_custom_backend'}.
 *
 * <p>It runs every kernel on the CPU backend and counts how often each kernel was called,
 * which is what a profiling or tracing backend does. Its priority is below the CPU
 * backend's, so it is only used when selected:
 *
 * <pre>{@code
 * Backends.use("counting");                 // or -Dnabla.backend.cpu=counting
 * Tensor y = x.mul(2).add(1);
 * CountingBackend.counts();                 // {allocate=2, binaryScalar=2}
 * Backends.use("cpu");
 * }</pre>
 */
@AutoService(Backend.class)
public final class CountingBackend extends CpuBackend {
    /** The name to select this backend by. */
    public static final String NAME = "counting";

    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    /** Called by {@link java.util.ServiceLoader}. */
    public CountingBackend() {}

    /** Kernel calls since the last {@link #reset()}, by kernel name, sorted by name. */
    public static Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        COUNTS.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Forgets the counts. */
    public static void reset() {
        COUNTS.clear();
    }

    private static void count(String kernel) {
        COUNTS.computeIfAbsent(kernel, k -> new LongAdder()).increment();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -100;
    }

    @Override
    public Storage allocate(DType dtype, long numel, Device device) {
        count("allocate");
        return super.allocate(dtype, numel, device);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        count("copy");
        super.copy(src, dst);
    }

    @Override
    public void fill(Tensor dst, double value) {
        count("fill");
        super.fill(dst, value);
    }

    @Override
    public void unary(UnaryOp op, Tensor in, Tensor out) {
        count("unary");
        super.unary(op, in, out);
    }

    @Override
    public void clamp(Tensor in, double min, double max, Tensor out) {
        count("clamp");
        super.clamp(in, min, max, out);
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        count("binary");
        super.binary(op, a, b, out);
    }

    @Override
    public void binaryScalar(BinaryOp op, Tensor a, double b, Tensor out) {
        count("binaryScalar");
        super.binaryScalar(op, a, b, out);
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        count("where");
        super.where(cond, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, Tensor in, int[] dims, Tensor out) {
        count("reduce");
        super.reduce(op, in, dims, out);
    }

    @Override
    public void argmax(Tensor in, int dim, Tensor out) {
        count("argmax");
        super.argmax(in, dim, out);
    }

    @Override
    public void softmax(Tensor in, int dim, boolean log, Tensor out) {
        count("softmax");
        super.softmax(in, dim, log, out);
    }

    @Override
    public void cumsum(Tensor in, int dim, Tensor out) {
        count("cumsum");
        super.cumsum(in, dim, out);
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        count("matmul");
        super.matmul(a, b, out);
    }

    @Override
    public void indexSelect(Tensor in, int dim, Tensor index, Tensor out) {
        count("indexSelect");
        super.indexSelect(in, dim, index, out);
    }

    @Override
    public void indexAdd(Tensor out, int dim, Tensor index, Tensor src) {
        count("indexAdd");
        super.indexAdd(out, dim, index, src);
    }

    @Override
    public void gather(Tensor in, int dim, Tensor index, Tensor out) {
        count("gather");
        super.gather(in, dim, index, out);
    }

    @Override
    public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        count("scatterAdd");
        super.scatterAdd(out, dim, index, src);
    }

    @Override
    public void uniform(Tensor dst, double low, double high, RandomGenerator random) {
        count("uniform");
        super.uniform(dst, low, high, random);
    }

    @Override
    public void normal(Tensor dst, double mean, double std, RandomGenerator random) {
        count("normal");
        super.normal(dst, mean, std, random);
    }
}
