package dev.nabla.backend.cuda;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.UnaryOperator;

/**
 * One input of a CPU/CUDA parity test: elements made once on the host, seen through a chain of
 * view ops, and placed on either device. A case states its inputs in one line, e.g.
 * {@code randn(FLOAT64, 4, 3).t()}, and both devices then get exactly the same elements in the
 * same layout (a transposed input is transposed on the device too, so the kernels see real strides).
 *
 * <p>Random elements come from a generator seeded per input in creation order from the last
 * {@link #reseed}, not from {@link dev.nabla.Nabla#manualSeed}, so that a source of cases makes
 * the same elements whether it runs alone or after other tests.
 */
final class ParityInput {
    private static final AtomicLong SEEDS = new AtomicLong();

    private final Tensor host;
    private final UnaryOperator<Tensor> view;
    private final String description;

    private ParityInput(Tensor host, UnaryOperator<Tensor> view, String description) {
        this.host = host;
        this.view = view;
        this.description = description;
    }

    // ---------------------------------------------------------------- factories

    /** Restarts the seeds of the inputs made from now on at one derived from {@code source}, e.g. a method's name. */
    static void reseed(String source) {
        SEEDS.set(source.hashCode() * 1_000_003L);
    }

    /** These host elements as they are. */
    static ParityInput of(Tensor host, String description) {
        return new ParityInput(host, t -> t, description);
    }

    /** Standard normal samples. */
    static ParityInput randn(DType dtype, long... shape) {
        SplittableRandom random = nextRandom();
        return sampled(dtype, shape, random::nextGaussian, "randn");
    }

    /** Samples of U(low, high), for ops defined on part of the line (log, sqrt, pow's base, a divisor). */
    static ParityInput uniform(DType dtype, double low, double high, long... shape) {
        SplittableRandom random = nextRandom();
        return sampled(dtype, shape, () -> random.nextDouble(low, high), "uniform(" + low + ", " + high + ")");
    }

    /** Whole numbers in {@code [low, high)} of {@code dtype}: ties for comparisons and argmax, indices for INT64. */
    static ParityInput ints(DType dtype, long low, long high, long... shape) {
        SplittableRandom random = nextRandom();
        return sampled(dtype, shape, () -> random.nextLong(low, high), "ints[" + low + ", " + high + ")");
    }

    /** Random BOOL elements, about half true. */
    static ParityInput bools(long... shape) {
        SplittableRandom random = nextRandom();
        return sampled(DType.BOOL, shape, () -> random.nextBoolean() ? 1 : 0, "bools");
    }

    /** A 0-dimensional tensor. */
    static ParityInput scalar(DType dtype, double value) {
        return of(Tensor.scalar(dtype, value), "scalar " + dtype + " " + value);
    }

    /** The INT64 indices {@code values} in {@code shape}. */
    static ParityInput index(long[] values, long... shape) {
        return of(Tensor.of(values).reshape(shape), "index " + Arrays.toString(values));
    }

    private static SplittableRandom nextRandom() {
        return new SplittableRandom(SEEDS.getAndIncrement());
    }

    private static ParityInput sampled(DType dtype, long[] shape, DoubleSupplier sample, String what) {
        double[] values = new double[Math.toIntExact(numel(shape))];
        for (int i = 0; i < values.length; i++) {
            values[i] = sample.getAsDouble();
        }
        return of(Tensor.of(values).reshape(shape).to(dtype), what + " " + dtype + " " + Arrays.toString(shape));
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    // ---------------------------------------------------------------- views, applied on the device

    /** The transposed matrix ({@link Tensor#t()}). */
    ParityInput t() {
        return then(Tensor::t, ".t()");
    }

    /** {@link Tensor#transpose(int, int)}. */
    ParityInput transpose(int dim0, int dim1) {
        return then(x -> x.transpose(dim0, dim1), ".transpose(" + dim0 + ", " + dim1 + ")");
    }

    /** {@link Tensor#narrow(int, long, long)}: an offset and gaps between rows. */
    ParityInput narrow(int dim, long start, long length) {
        return then(x -> x.narrow(dim, start, length), ".narrow(" + dim + ", " + start + ", " + length + ")");
    }

    /** {@link Tensor#expand(long...)}: stride-0 dimensions. */
    ParityInput expand(long... shape) {
        return then(x -> x.expand(shape), ".expand(" + Arrays.toString(shape) + ")");
    }

    /** {@link Tensor#unsqueeze(int)}. */
    ParityInput unsqueeze(int dim) {
        return then(x -> x.unsqueeze(dim), ".unsqueeze(" + dim + ")");
    }

    private ParityInput then(UnaryOperator<Tensor> next, String what) {
        return new ParityInput(host, x -> next.apply(view.apply(x)), description + what);
    }

    // ---------------------------------------------------------------- placing

    /** A fresh copy of the elements on {@code device}, through the views: nothing is shared between calls. */
    Tensor on(Device device) {
        return view.apply(fresh(device));
    }

    /**
     * A fresh leaf that requires grad on {@code device}, holding the elements before the views; pass
     * it through {@link #view(Tensor)} so that the gradient also flows back through the view ops.
     */
    Tensor leafOn(Device device) {
        return fresh(device).requiresGrad(true);
    }

    /** The view ops of this input applied to {@code base} (a tensor from {@link #leafOn}). */
    Tensor view(Tensor base) {
        return view.apply(base);
    }

    private Tensor fresh(Device device) {
        return device.isCpu() ? host.clone() : host.to(device);
    }

    /** Whether the elements are FLOAT32 or FLOAT64, so that the input can require grad. */
    boolean isFloating() {
        return host.dtype().isFloatingPoint();
    }

    @Override
    public String toString() {
        return description;
    }
}
