package dev.nabla.backend.cuda;

import static dev.nabla.DType.BOOL;
import static dev.nabla.DType.FLOAT32;
import static dev.nabla.DType.FLOAT64;
import static dev.nabla.DType.INT64;
import static dev.nabla.backend.cuda.ParityAssertions.CUDA;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.ACCUMULATING;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.ELEMENTWISE;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.EXACT;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameGradients;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameOnBothDevices;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameResult;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameTensor;
import static dev.nabla.backend.cuda.ParityAssertions.place;
import static dev.nabla.backend.cuda.ParityInput.bools;
import static dev.nabla.backend.cuda.ParityInput.index;
import static dev.nabla.backend.cuda.ParityInput.ints;
import static dev.nabla.backend.cuda.ParityInput.randn;
import static dev.nabla.backend.cuda.ParityInput.scalar;
import static dev.nabla.backend.cuda.ParityInput.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.autograd.Function;
import dev.nabla.backend.cuda.ParityAssertions.Tolerance;
import dev.nabla.nn.Functional;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op of the runtime on CUDA against the CPU backend, forward and backward: a differential
 * test in which the CPU is the reference (see {@link ParityAssertions} for what "the same" means
 * and the tolerances: {@code 1e-12} relative in float64 for elementwise ops, {@code 1e-10} for
 * sums, means, matrix products, softmax and every gradient, {@code 1e-5} in float32, and the same
 * bits for special values, conversions, copies, selections and random numbers drawn on the host).
 *
 * <p>Inputs are made once on the host and placed on each device through the same view ops
 * ({@link ParityInput}), so that the kernels see transposed, narrowed (offset, gaps), expanded
 * (stride 0) and broadcast operands, 0-dimensional and empty tensors, and rows longer than a
 * block. Special values are checked where the CPU's Java semantics are easy to miss on a GPU:
 * NaN propagation and {@code -0.0 < 0.0} in maximum, minimum, clamp, relu and max, the first
 * maximum and NaN in argmax, C's pow, saturating float-to-int64 conversion, wrapping int64
 * arithmetic, and int64 values beyond 2^53 (which a kernel computing in double would round).
 *
 * <p>Without a usable CUDA backend (none on the class path, or no driver or device) every test
 * is skipped with the backend's reason.
 */
class CudaParityTest {
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final long TWO_53_PLUS_1 = (1L << 53) + 1;

    @BeforeEach
    void requireCuda() {
        ParityAssertions.assumeCuda();
    }

    /** A named computation of some inputs, compared across devices within a tolerance. */
    record Case(String name, Tolerance tolerance, Gradcheck.Fn fn, ParityInput... inputs) {
        @Override
        public String toString() {
            return name + " of " + Arrays.toString(inputs);
        }
    }

    private static Case elementwise(String name, Gradcheck.Fn fn, ParityInput... inputs) {
        return new Case(name, ELEMENTWISE, fn, inputs);
    }

    private static Case accumulating(String name, Gradcheck.Fn fn, ParityInput... inputs) {
        return new Case(name, ACCUMULATING, fn, inputs);
    }

    private static Case exact(String name, Gradcheck.Fn fn, ParityInput... inputs) {
        return new Case(name, EXACT, fn, inputs);
    }

    private static void check(Case c) {
        assertSameResult(c.toString(), c.tolerance(), c.fn(), c.inputs());
    }

    /** Makes an input of a given shape: which values, which dtype. */
    @FunctionalInterface
    private interface Sampler {
        ParityInput of(long... shape);
    }

    // ================================================================ creation and moving

    @ParameterizedTest
    @EnumSource(DType.class)
    void creationOnTheGpu(DType dtype) {
        ParityInput.reseed("creationOnTheGpu");
        double value = dtype == BOOL ? 1 : -2.5;
        assertSameOnBothDevices("zeros", EXACT, d -> Tensor.zeros(dtype, 2, 3).to(d));
        assertSameOnBothDevices("ones", EXACT, d -> Tensor.ones(dtype, 2, 3).to(d));
        assertSameOnBothDevices("full", EXACT, d -> Tensor.full(dtype, value, 4, 1, 3).to(d));
        assertSameOnBothDevices("scalar", EXACT, d -> Tensor.scalar(dtype, value).to(d));
        ParityInput like = dtype == BOOL ? bools(3, 4) : ints(dtype, -5, 5, 3, 4);
        assertSameOnBothDevices("zerosLike", EXACT, d -> Tensor.zerosLike(like.on(d)));
        assertSameOnBothDevices("onesLike", EXACT, d -> Tensor.onesLike(like.t().on(d)));
        if (dtype != BOOL) {
            assertSameOnBothDevices("arange", EXACT, d -> Tensor.arange(dtype, 300).to(d));
        }
        if (dtype.isFloatingPoint()) {
            // Random numbers are drawn on the host, so a seed gives the CPU's values on the GPU.
            assertSameOnBothDevices("randn", EXACT, d -> seeded(() -> Tensor.randn(dtype, 5, 7)).to(d));
            assertSameOnBothDevices("rand", EXACT, d -> seeded(() -> Tensor.rand(dtype, 5, 7)).to(d));
            assertSameOnBothDevices("randnLike", EXACT, d -> {
                Tensor x = like.on(d);
                return seeded(() -> Tensor.randnLike(x));
            });
        }
    }

    private static Tensor seeded(Supplier<Tensor> make) {
        Nabla.manualSeed(1234);
        return make.get();
    }

    /** Twelve elements of {@code dtype} that a copy could get wrong: signed zeros, NaN, infinities, extremes. */
    private static Tensor specials(DType dtype) {
        switch (dtype) {
            case FLOAT64:
                return Tensor.of(0.0, -0.0, 1.5, -2.75, NAN, INF, -INF, Double.MIN_VALUE, Double.MAX_VALUE, 1e20, -1e20, 0.5);
            case FLOAT32:
                return Tensor.of(0f, -0f, 1.5f, -2.75f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                        Float.MIN_VALUE, Float.MAX_VALUE, 1e20f, -1e20f, 0.5f);
            case INT64:
                return Tensor.of(0L, -1L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, TWO_53_PLUS_1, -TWO_53_PLUS_1, 1L << 31,
                        (1L << 32) + 7, -42L, 255L, 256L);
            default:
                return Tensor.of(true, false, false, true, true, true, false, false, true, false, true, false);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void roundTripKeepsEveryBit(DType dtype) {
        Tensor host = specials(dtype).reshape(3, 4);
        Tensor gpu = host.to(CUDA);
        assertEquals(CUDA, gpu.device());
        assertSame(gpu, gpu.to(CUDA), "to(its own device) returns the tensor itself");
        Tensor back = gpu.to(Device.CPU);
        assertEquals(Device.CPU, back.device());
        assertSameElements(host, back);
        assertSameElements(host.t(), host.t().to(CUDA).to(Device.CPU));
        assertSameElements(host.narrow(1, 1, 2), host.narrow(1, 1, 2).to(CUDA).to(Device.CPU));
        assertTrue(host.t().to(CUDA).isContiguous(), "a moved view is a fresh contiguous tensor");

        // Reading elements out of GPU memory converts on the way, as on the CPU.
        assertArrayEquals(host.toFloatArray(), gpu.toFloatArray());
        assertArrayEquals(host.toDoubleArray(), gpu.toDoubleArray());
        assertArrayEquals(host.toLongArray(), gpu.toLongArray());
        assertArrayEquals(host.toBooleanArray(), gpu.toBooleanArray());
        assertArrayEquals(host.t().toDoubleArray(), gpu.t().toDoubleArray(), "reading a transposed view");
        assertEquals(host.narrow(1, 2, 1).narrow(0, 1, 1).item(), gpu.narrow(1, 2, 1).narrow(0, 1, 1).item());
        Tensor two = host.narrow(1, 2, 2).narrow(0, 0, 1);
        String printed = two.toString();
        String onGpu = printed.contains(", dtype=") ? printed.replace(", dtype=", ", device='cuda:0', dtype=")
                : printed.substring(0, printed.length() - 1) + ", device='cuda:0')";
        assertEquals(onGpu, two.to(CUDA).toString());
    }

    /** Equal shapes and dtypes and the same elements, bit for bit ({@code -0.0 != 0.0}, NaN equal to NaN). */
    private static void assertSameElements(Tensor expected, Tensor actual) {
        assertEquals(expected.dtype(), actual.dtype());
        assertArrayEquals(expected.shape(), actual.shape());
        switch (expected.dtype()) {
            case FLOAT32:
                assertArrayEquals(expected.toFloatArray(), actual.toFloatArray());
                break;
            case FLOAT64:
                assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray());
                break;
            case INT64:
                assertArrayEquals(expected.toLongArray(), actual.toLongArray());
                break;
            default:
                assertArrayEquals(expected.toBooleanArray(), actual.toBooleanArray());
        }
    }

    static Stream<Arguments> dtypePairs() {
        return Arrays.stream(DType.values()).flatMap(from -> Arrays.stream(DType.values()).map(to -> Arguments.of(from, to)));
    }

    /** Conversions on the device: rounding, truncation that saturates like Java's {@code (long)}, NaN to 0, non-zero to true. */
    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("dtypePairs")
    void conversionOnTheGpu(DType from, DType to) {
        ParityInput x = ParityInput.of(specials(from).reshape(3, 4), "specials " + from);
        for (ParityInput in : List.of(x, x.t(), x.narrow(1, 1, 2))) {
            check(exact("to(" + to + ")", t -> t[0].to(to), in));
        }
    }

    // ================================================================ elementwise

    /** The layouts each elementwise op sees: contiguous, transposed, narrowed, expanded, permuted 3-D, 0-d, many blocks. */
    private static Stream<ParityInput> layouts(Sampler s) {
        return Stream.of(s.of(3, 5), s.of(5, 3).t(), s.of(4, 7).narrow(1, 2, 4), s.of(1, 5).expand(3, 5),
                s.of(2, 3, 4).transpose(0, 2), s.of(), s.of(3001));
    }

    static Stream<Case> unaryCases() {
        ParityInput.reseed("unaryCases");
        List<Case> cases = new ArrayList<>();
        for (DType dtype : List.of(FLOAT32, FLOAT64)) {
            Sampler any = shape -> randn(dtype, shape);
            Sampler positive = shape -> uniform(dtype, 0.05, 4, shape);
            unary(cases, "neg", Tensor::neg, any);
            unary(cases, "abs", Tensor::abs, any);
            unary(cases, "exp", Tensor::exp, any);
            unary(cases, "log", Tensor::log, positive);
            unary(cases, "sqrt", Tensor::sqrt, positive);
            unary(cases, "sin", Tensor::sin, shape -> uniform(dtype, -10, 10, shape));
            unary(cases, "cos", Tensor::cos, shape -> uniform(dtype, -10, 10, shape));
            unary(cases, "tanh", Tensor::tanh, shape -> uniform(dtype, -5, 5, shape));
            unary(cases, "sigmoid", Tensor::sigmoid, shape -> uniform(dtype, -20, 20, shape));
            unary(cases, "relu", Tensor::relu, any);
            unary(cases, "erf", Tensor::erf, shape -> uniform(dtype, -7, 7, shape));
            unary(cases, "gelu", Functional::gelu, shape -> uniform(dtype, -10, 10, shape));
        }
        Sampler longs = shape -> ints(INT64, -1000, 1000, shape);
        unary(cases, "neg", Tensor::neg, longs);
        unary(cases, "abs", Tensor::abs, longs);
        unary(cases, "relu", Tensor::relu, longs);
        // Integer inputs of floating functions are converted to float32 first.
        unary(cases, "exp of int64", Tensor::exp, shape -> ints(INT64, -5, 5, shape));
        unary(cases, "sqrt of int64", Tensor::sqrt, shape -> ints(INT64, 0, 100, shape));
        return cases.stream();
    }

    private static void unary(List<Case> cases, String name, UnaryOperator<Tensor> op, Sampler sampler) {
        layouts(sampler).forEach(in -> cases.add(elementwise(name, x -> op.apply(x[0]), in)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryCases")
    void unaryOps(Case c) {
        check(c);
    }

    /** Operand pairs: equal shapes, broadcasting, transposed, expanded and narrowed, 3-D, 0-d either side, many blocks. */
    private static Stream<ParityInput[]> pairs(Sampler a, Sampler b) {
        return Stream.of(
                new ParityInput[] {a.of(3, 4), b.of(3, 4)},
                new ParityInput[] {a.of(3, 4), b.of(4)},
                new ParityInput[] {a.of(3, 1), b.of(1, 4)},
                new ParityInput[] {a.of(4, 3).t(), b.of(3, 4)},
                new ParityInput[] {a.of(1, 4).expand(3, 4), b.of(3, 6).narrow(1, 1, 4)},
                new ParityInput[] {a.of(2, 3, 4), b.of(3, 1)},
                new ParityInput[] {a.of(3, 4), b.of()},
                new ParityInput[] {a.of(), b.of(3, 4)},
                new ParityInput[] {a.of(257, 129), b.of(129)});
    }

    private static void binary(List<Case> cases, String name, BiFunction<Tensor, Tensor, Tensor> op, Sampler a, Sampler b) {
        pairs(a, b).forEach(in -> cases.add(elementwise(name, x -> op.apply(x[0], x[1]), in)));
    }

    static Stream<Case> binaryCases() {
        ParityInput.reseed("binaryCases");
        List<Case> cases = new ArrayList<>();
        for (DType dtype : List.of(FLOAT32, FLOAT64)) {
            Sampler any = shape -> randn(dtype, shape);
            Sampler positive = shape -> uniform(dtype, 0.25, 3, shape);
            binary(cases, "add", Tensor::add, any, any);
            binary(cases, "sub", Tensor::sub, any, any);
            binary(cases, "mul", Tensor::mul, any, any);
            binary(cases, "div", Tensor::div, any, positive);
            binary(cases, "pow", Tensor::pow, positive, any);
            binary(cases, "maximum", Tensor::maximum, any, any);
            binary(cases, "minimum", Tensor::minimum, any, any);
        }
        Sampler longs = shape -> ints(INT64, -1000, 1000, shape);
        Sampler small = shape -> ints(INT64, -4, 5, shape);
        binary(cases, "add", Tensor::add, longs, longs);
        binary(cases, "sub", Tensor::sub, longs, longs);
        binary(cases, "mul", Tensor::mul, longs, longs);
        binary(cases, "div (int64 divides in float32)", Tensor::div, longs, shape -> ints(INT64, 1, 50, shape));
        binary(cases, "pow", Tensor::pow, small, shape -> ints(INT64, 0, 6, shape));
        binary(cases, "maximum", Tensor::maximum, longs, longs);
        binary(cases, "minimum", Tensor::minimum, longs, longs);

        // Type promotion converts operands on the device before the kernel.
        cases.add(elementwise("float32 + float64", x -> x[0].add(x[1]), randn(FLOAT32, 3, 4), randn(FLOAT64, 4)));
        cases.add(elementwise("int64 * float32", x -> x[0].mul(x[1]), ints(INT64, -9, 9, 3, 4), randn(FLOAT32, 3, 4).t().t()));
        cases.add(elementwise("bool + int64", x -> x[0].add(x[1]), bools(3, 4), ints(INT64, -9, 9, 4)));
        cases.add(elementwise("bool + bool is or", x -> x[0].add(x[1]), bools(3, 4), bools(4)));
        cases.add(elementwise("bool * bool is and", x -> x[0].mul(x[1]), bools(3, 4), bools(3, 1)));
        cases.add(elementwise("float32 + float64 0-d keeps float32", x -> x[0].add(x[1]), randn(FLOAT32, 3, 4),
                scalar(FLOAT64, 0.1)));
        cases.add(elementwise("int64 + float64 0-d is float64", x -> x[0].add(x[1]), ints(INT64, -9, 9, 3, 4),
                scalar(FLOAT64, 0.1)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryCases")
    void binaryOps(Case c) {
        check(c);
    }

    static Stream<Case> scalarOperandCases() {
        ParityInput.reseed("scalarOperandCases");
        List<Case> cases = new ArrayList<>();
        for (DType dtype : List.of(FLOAT32, FLOAT64)) {
            ParityInput x = randn(dtype, 5, 3).t();
            ParityInput positive = uniform(dtype, 0.25, 3, 3, 5);
            cases.add(elementwise("add 2.5", t -> t[0].add(2.5), x));
            cases.add(elementwise("sub 0.75", t -> t[0].sub(0.75), x));
            cases.add(elementwise("mul -1.5", t -> t[0].mul(-1.5), x));
            cases.add(elementwise("div 3", t -> t[0].div(3), x));
            cases.add(elementwise("pow 2", t -> t[0].pow(2), x));
            cases.add(elementwise("pow 3 of negative bases", t -> t[0].pow(3), x));
            cases.add(elementwise("pow 0.5", t -> t[0].pow(0.5), positive));
            cases.add(elementwise("pow -1.5", t -> t[0].pow(-1.5), positive));
            cases.add(elementwise("maximum 0.1", t -> t[0].maximum(0.1), x));
            cases.add(elementwise("minimum 0.1", t -> t[0].minimum(0.1), x));
        }
        ParityInput longs = ints(INT64, -20, 20, 4, 6).narrow(1, 1, 4);
        cases.add(elementwise("int64 add 3", t -> t[0].add(3), longs));
        cases.add(elementwise("int64 mul -2", t -> t[0].mul(-2), longs));
        cases.add(elementwise("int64 pow 2", t -> t[0].pow(2), longs));
        cases.add(elementwise("int64 maximum 1", t -> t[0].maximum(1), longs));
        cases.add(elementwise("int64 add 0.5 is float32", t -> t[0].add(0.5), longs));
        cases.add(elementwise("int64 div 4 is float32", t -> t[0].div(4), longs));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scalarOperandCases")
    void scalarOperands(Case c) {
        check(c);
    }

    static Stream<Case> comparisonCases() {
        ParityInput.reseed("comparisonCases");
        List<Case> cases = new ArrayList<>();
        List<BiFunction<Tensor, Tensor, Tensor>> ops = List.of(Tensor::gt, Tensor::ge, Tensor::lt, Tensor::le, Tensor::eq,
                Tensor::ne);
        List<String> names = List.of("gt", "ge", "lt", "le", "eq", "ne");
        for (DType dtype : List.of(FLOAT32, FLOAT64, INT64)) {
            // Few distinct values, so that ties are common.
            Sampler ties = shape -> ints(dtype, -2, 3, shape);
            for (int i = 0; i < ops.size(); i++) {
                BiFunction<Tensor, Tensor, Tensor> op = ops.get(i);
                binary(cases, names.get(i), op, ties, ties);
                cases.add(exact(names.get(i) + " 1.0", x -> op.apply(x[0], Tensor.scalar(dtype, 1).to(x[0].device())),
                        ties.of(6, 5).t()));
            }
        }
        cases.add(exact("gt of a double", x -> x[0].gt(0.5), randn(FLOAT64, 4, 5)));
        cases.add(exact("le of a double", x -> x[0].le(-0.25), randn(FLOAT32, 5, 4).t()));
        cases.add(exact("eq of a double", x -> x[0].eq(1), ints(INT64, 0, 3, 4, 5)));
        cases.add(exact("eq of bools", x -> x[0].eq(x[1]), bools(3, 4), bools(4)));
        cases.add(exact("ne of bools", x -> x[0].ne(x[1]), bools(3, 4).t(), bools(4, 1)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("comparisonCases")
    void comparisons(Case c) {
        check(c);
    }

    static Stream<Case> selectionCases() {
        ParityInput.reseed("selectionCases");
        List<Case> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            Sampler values = shape -> dtype == BOOL ? bools(shape) : ints(dtype, -9, 9, shape);
            cases.add(exact("where " + dtype, x -> Tensor.where(x[0], x[1], x[2]), bools(3, 4), values.of(3, 4), values.of(4)));
            cases.add(exact("where, broadcast condition", x -> Tensor.where(x[0], x[1], x[2]),
                    bools(4), values.of(4, 3).t(), values.of(3, 1)));
            cases.add(exact("where, 0-d branch", x -> Tensor.where(x[0], x[1], x[2]), bools(2, 3, 4), values.of(),
                    values.of(3, 4)));
            cases.add(exact("maskedFill " + dtype, x -> x[0].maskedFill(x[1], 1), values.of(3, 4), bools(3, 4)));
            cases.add(exact("maskedFill, broadcast mask", x -> x[0].maskedFill(x[1], 0), values.of(5, 3).t(), bools(5)));
        }
        cases.add(exact("where promotes float32 and float64", x -> Tensor.where(x[0], x[1], x[2]),
                bools(3, 4), randn(FLOAT32, 3, 4), randn(FLOAT64, 3, 4)));
        cases.add(exact("maskedFill -inf", x -> x[0].maskedFill(x[1], Double.NEGATIVE_INFINITY), randn(FLOAT32, 3, 4),
                bools(3, 4)));
        cases.add(exact("maskedFill NaN", x -> x[0].maskedFill(x[1], NAN), randn(FLOAT64, 3, 4), bools(1, 4)));
        for (DType dtype : List.of(FLOAT32, FLOAT64)) {
            for (ParityInput x : List.of(randn(dtype, 4, 6), randn(dtype, 6, 4).t(), randn(dtype, 3001))) {
                cases.add(exact("clamp(-0.5, 0.5)", t -> t[0].clamp(-0.5, 0.5), x));
                cases.add(exact("clampMin(0)", t -> t[0].clampMin(0), x));
                cases.add(exact("clampMax(0.3)", t -> t[0].clampMax(0.3), x));
                cases.add(exact("clamp(-inf, 0.1)", t -> t[0].clamp(Double.NEGATIVE_INFINITY, 0.1), x));
            }
        }
        ParityInput longs = ints(INT64, -5, 6, 6, 4).t();
        cases.add(exact("int64 clamp(-1, 2)", t -> t[0].clamp(-1, 2), longs));
        cases.add(exact("int64 clampMin(0)", t -> t[0].clampMin(0), longs));
        cases.add(exact("int64 clampMax(1)", t -> t[0].clampMax(1), longs));
        cases.add(exact("int64 clamp(-0.5, 1.5) is float32", t -> t[0].clamp(-0.5, 1.5), longs));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selectionCases")
    void selectionAndClamping(Case c) {
        check(c);
    }

    // ================================================================ special values

    /** Values whose results under every elementwise op are fixed by IEEE 754 and Java, not by a library's accuracy. */
    private static double[] edges(DType dtype) {
        double tiny = dtype == FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE;
        double huge = dtype == FLOAT32 ? 3e38 : 1e308;
        return new double[] {NAN, INF, -INF, -0.0, 0.0, 1, -1, 2.5, -2.5, tiny, -tiny, huge, -huge};
    }

    /** {@code values} as a column {@code [n, 1]} or a row {@code [1, n]} of {@code dtype}: together, every pair. */
    private static ParityInput column(DType dtype, double... values) {
        return ParityInput.of(Tensor.of(values).to(dtype).reshape(values.length, 1),
                dtype + " column " + Arrays.toString(values));
    }

    private static ParityInput row(DType dtype, double... values) {
        return ParityInput.of(Tensor.of(values).to(dtype).reshape(1, values.length), dtype + " row " + Arrays.toString(values));
    }

    private static ParityInput longs(long... values) {
        return ParityInput.of(Tensor.of(values), "int64 " + Arrays.toString(values));
    }

    static Stream<Case> specialValueCases() {
        ParityInput.reseed("specialValueCases");
        List<Case> cases = new ArrayList<>();
        for (DType dtype : List.of(FLOAT32, FLOAT64)) {
            double[] edges = edges(dtype);
            ParityInput a = column(dtype, edges);
            ParityInput b = row(dtype, edges);
            ParityInput ieee = row(dtype, NAN, INF, -INF, -0.0, 0.0);
            // Every pair of edge values: NaN propagates and -0.0 < 0.0, as Java's Math.max and Math.min order them.
            cases.add(exact("maximum", x -> x[0].maximum(x[1]), a, b));
            cases.add(exact("minimum", x -> x[0].minimum(x[1]), a, b));
            cases.add(exact("add", x -> x[0].add(x[1]), a, b));
            cases.add(exact("sub", x -> x[0].sub(x[1]), a, b));
            cases.add(exact("mul", x -> x[0].mul(x[1]), a, b));
            cases.add(exact("div", x -> x[0].div(x[1]), a, b));
            cases.add(exact("gt", x -> x[0].gt(x[1]), a, b));
            cases.add(exact("ge", x -> x[0].ge(x[1]), a, b));
            cases.add(exact("lt", x -> x[0].lt(x[1]), a, b));
            cases.add(exact("le", x -> x[0].le(x[1]), a, b));
            cases.add(exact("eq", x -> x[0].eq(x[1]), a, b));
            cases.add(exact("ne", x -> x[0].ne(x[1]), a, b));
            cases.add(exact("maximum 0.0", x -> x[0].maximum(0.0), b));
            cases.add(exact("minimum -0.0", x -> x[0].minimum(-0.0), b));
            cases.add(exact("neg", x -> x[0].neg(), b));
            cases.add(exact("abs", x -> x[0].abs(), b));
            cases.add(exact("relu: NaN stays NaN, -0.0 becomes 0.0", x -> x[0].relu(), b));
            cases.add(exact("clamp(-1, 1)", x -> x[0].clamp(-1, 1), b));
            cases.add(exact("clampMin(0): -0.0 becomes 0.0", x -> x[0].clampMin(0), b));
            cases.add(exact("clampMax(-0.0)", x -> x[0].clampMax(-0.0), b));
            cases.add(exact("where", x -> Tensor.where(x[0].gt(0), x[0], x[1]), b, a.t()));
            cases.add(exact("exp", x -> x[0].exp(), ieee));
            cases.add(exact("log", x -> x[0].log(), ieee));
            cases.add(exact("sqrt", x -> x[0].sqrt(), ieee));
            cases.add(exact("sin", x -> x[0].sin(), ieee));
            cases.add(exact("cos", x -> x[0].cos(), ieee));
            cases.add(exact("tanh", x -> x[0].tanh(), ieee));
            cases.add(exact("sigmoid", x -> x[0].sigmoid(), ieee));
            cases.add(exact("erf", x -> x[0].erf(), ieee));
            cases.add(exact("gelu: NaN at -inf (-inf * 0), -0.0 stays -0.0", x -> Functional.gelu(x[0]), ieee));
            // C's pow: 1^y = 1 (NaN too), (-1)^±inf = 1, a negative base to a fractional power is NaN.
            double[] powers = {NAN, INF, -INF, -0.0, 0.0, 1, -1, 2, -2, 3, 0.5, -0.5};
            cases.add(elementwise("pow", x -> x[0].pow(x[1]), column(dtype, powers), row(dtype, powers)));
            cases.add(elementwise("pow of a double", x -> x[0].pow(-1), row(dtype, powers)));
            // The largest element, with NaN winning and 0.0 above -0.0.
            cases.add(exact("max with NaN", x -> x[0].max(), row(dtype, 1, NAN, 3)));
            cases.add(exact("max of signed zeros", x -> x[0].max(), row(dtype, -0.0, 0.0, -0.0)));
            cases.add(exact("max of -inf", x -> x[0].max(), row(dtype, -INF, -INF)));
            cases.add(exact("sum of infinities", x -> x[0].sum(), row(dtype, INF, -INF, 1)));
            cases.add(exact("sum that overflows", x -> x[0].sum(), row(dtype, edges[11], edges[11])));
            // The first maximum wins, NaN wins over everything, and 0.0 does not beat -0.0.
            ParityInput rows = ParityInput.of(Tensor.of(new double[][] {
                {1, 3, 3, 2}, {NAN, 5, NAN, 1}, {1, NAN, 7, NAN}, {-INF, -INF, -INF, -INF}, {-0.0, 0.0, 0.0, -0.0}, {2, 2, 2, 2}
            }).to(dtype), dtype + " argmax rows");
            cases.add(exact("argmax(1)", x -> x[0].argmax(1), rows));
            cases.add(exact("argmax(0) of the transpose", x -> x[0].argmax(0), rows.t()));
            cases.add(elementwise("softmax with -inf", x -> x[0].softmax(1),
                    ParityInput.of(Tensor.of(new double[][] {{0, -INF, 1}, {-INF, -INF, 0}, {1000, 0, -1000}}).to(dtype),
                            "rows")));
        }
        // int64 arithmetic wraps, and values beyond 2^53 must not pass through a double.
        ParityInput big = longs(Long.MAX_VALUE, Long.MIN_VALUE, TWO_53_PLUS_1, -TWO_53_PLUS_1, (1L << 53), 5, -5, 0);
        ParityInput bigColumn = ParityInput.of(Tensor.of(Long.MAX_VALUE, Long.MIN_VALUE, TWO_53_PLUS_1, (1L << 53), -1L, 0L, 3L)
                .reshape(7, 1), "int64 column");
        cases.add(exact("int64 add wraps", x -> x[0].add(x[1]), bigColumn, big));
        cases.add(exact("int64 sub wraps", x -> x[0].sub(x[1]), bigColumn, big));
        cases.add(exact("int64 mul wraps", x -> x[0].mul(x[1]), bigColumn, big));
        cases.add(exact("int64 maximum", x -> x[0].maximum(x[1]), bigColumn, big));
        cases.add(exact("int64 minimum", x -> x[0].minimum(x[1]), bigColumn, big));
        cases.add(exact("int64 eq beyond 2^53", x -> x[0].eq(x[1]), bigColumn, big));
        cases.add(exact("int64 gt beyond 2^53", x -> x[0].gt(x[1]), bigColumn, big));
        cases.add(exact("int64 neg", x -> x[0].neg(), big));
        cases.add(exact("int64 abs", x -> x[0].abs(), big));
        cases.add(exact("int64 clampMin(0)", x -> x[0].clampMin(0), big));
        cases.add(exact("int64 clampMax(3)", x -> x[0].clampMax(3), big));
        cases.add(exact("int64 clamp(-4, 4)", x -> x[0].clamp(-4, 4), big));
        cases.add(exact("int64 sum wraps", x -> x[0].sum(), longs(Long.MAX_VALUE, 1, TWO_53_PLUS_1)));
        cases.add(exact("int64 max beyond 2^53", x -> x[0].max(), longs(1L << 53, TWO_53_PLUS_1, 1L << 53)));
        cases.add(exact("int64 argmax beyond 2^53", x -> x[0].argmax(0), longs(1L << 53, TWO_53_PLUS_1, 1L << 53)));
        cases.add(exact("int64 matmul wraps", x -> x[0].matmul(x[1]), longs(Long.MAX_VALUE, 3, TWO_53_PLUS_1),
                longs(2, 1, 1)));
        // Integer powers: negative exponents give 1, -1 or 0 (PyTorch's powi), and large ones wrap.
        cases.add(exact("int64 pow", x -> x[0].pow(x[1]),
                ParityInput.of(Tensor.of(-3L, -2L, -1L, 0L, 1L, 2L, 3L).reshape(7, 1), "int64 bases"),
                longs(-2, -1, 0, 1, 2, 3, 40, 63, 64)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specialValueCases")
    void specialValues(Case c) {
        check(c);
    }

    // ================================================================ reductions and softmax

    static Stream<Case> reductionCases() {
        ParityInput.reseed("reductionCases");
        List<Case> cases = new ArrayList<>();
        for (DType dtype : List.of(FLOAT32, FLOAT64, INT64)) {
            Sampler s = dtype == INT64 ? shape -> ints(INT64, -100, 100, shape) : shape -> randn(dtype, shape);
            for (ParityInput x : List.of(s.of(5, 7), s.of(7, 5).t(), s.of(5, 9).narrow(1, 2, 6), s.of(1, 6).expand(5, 6))) {
                cases.add(accumulating("sum()", t -> t[0].sum(), x));
                cases.add(exact("max()", t -> t[0].max(), x));
                for (int dim : new int[] {0, 1, -1}) {
                    for (boolean keepDim : new boolean[] {false, true}) {
                        cases.add(accumulating("sum(" + dim + ", " + keepDim + ")", t -> t[0].sum(dim, keepDim), x));
                    }
                    cases.add(exact("argmax(" + dim + ")", t -> t[0].argmax(dim), x));
                }
                if (dtype != INT64) {
                    cases.add(accumulating("mean()", t -> t[0].mean(), x));
                    cases.add(accumulating("mean(1, true)", t -> t[0].mean(1, true), x));
                    cases.add(accumulating("mean(0, false)", t -> t[0].mean(0, false), x));
                }
            }
            ParityInput cube = s.of(4, 5, 6).transpose(0, 1);
            for (int dim = 0; dim < 3; dim++) {
                int d = dim;
                cases.add(accumulating("sum(" + d + ", true) of 3-D", t -> t[0].sum(d, true), cube));
                cases.add(exact("argmax(" + d + ") of 3-D", t -> t[0].argmax(d), cube));
            }
            cases.add(accumulating("sum() of 0-d", t -> t[0].sum(), s.of()));
            cases.add(accumulating("sum(0, true) of 0-d", t -> t[0].sum(0, true), s.of()));
            cases.add(exact("max() of 0-d", t -> t[0].max(), s.of()));
            cases.add(exact("argmax(0) of 0-d", t -> t[0].argmax(0), s.of()));
            cases.add(accumulating("sum() of empty", t -> t[0].sum(), s.of(0, 4)));
            cases.add(accumulating("sum(0, false) of empty rows", t -> t[0].sum(0, false), s.of(0, 4)));
            cases.add(accumulating("sum(1, false) of empty rows", t -> t[0].sum(1, false), s.of(4, 0)));
            // Few long rows (the kernel's two-pass path) and many short ones along a strided dimension.
            cases.add(accumulating("sum() of a long vector", t -> t[0].sum(), s.of(1 << 20)));
            cases.add(exact("max() of a long vector", t -> t[0].max(), s.of(1 << 20)));
            cases.add(exact("argmax(0) of a long vector", t -> t[0].argmax(0), s.of(1 << 20)));
            cases.add(accumulating("sum(1) of long rows", t -> t[0].sum(1, false), s.of(3, 100_000)));
            cases.add(accumulating("sum(0) along a strided dim", t -> t[0].sum(0, false), s.of(100_000, 3)));
            cases.add(exact("argmax(1) of long rows", t -> t[0].argmax(1), s.of(3, 100_000)));
        }
        cases.add(exact("sum of bools counts", t -> t[0].sum(), bools(7, 9)));
        cases.add(exact("sum(0) of bools", t -> t[0].sum(0, false), bools(7, 9).t()));
        cases.add(exact("max of bools", t -> t[0].max(), bools(7, 9)));
        cases.add(exact("argmax of bools", t -> t[0].argmax(1), bools(7, 9)));
        cases.add(exact("argmax of a long row of ties takes the first", t -> t[0].argmax(1),
                ParityInput.of(Tensor.full(FLOAT32, 2, 2, 70_000), "ties")));
        cases.add(accumulating("mean of float32 large values", t -> t[0].mean(), uniform(FLOAT32, 1e4, 1e5, 1 << 16)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reductionCases")
    void reductions(Case c) {
        check(c);
    }

    static Stream<Case> softmaxCases() {
        ParityInput.reseed("softmaxCases");
        List<Case> cases = new ArrayList<>();
        for (DType dtype : List.of(FLOAT32, FLOAT64)) {
            for (ParityInput x : List.of(randn(dtype, 4, 7), randn(dtype, 7, 4).t(), randn(dtype, 4, 9).narrow(1, 1, 7),
                    uniform(dtype, -80, 80, 4, 7), randn(dtype, 2, 3, 5).transpose(0, 2))) {
                for (int dim : new int[] {0, 1, -1}) {
                    cases.add(accumulating("softmax(" + dim + ")", t -> t[0].softmax(dim), x));
                    cases.add(accumulating("logSoftmax(" + dim + ")", t -> t[0].logSoftmax(dim), x));
                }
            }
            cases.add(accumulating("softmax of long rows", t -> t[0].softmax(1), randn(dtype, 3, 5000)));
            cases.add(accumulating("logSoftmax of long rows", t -> t[0].logSoftmax(1), randn(dtype, 3, 5000)));
            cases.add(accumulating("softmax of many rows", t -> t[0].softmax(0), randn(dtype, 10, 1000)));
            cases.add(accumulating("softmax of 0-d", t -> t[0].softmax(0), scalar(dtype, 3)));
            cases.add(accumulating("logSoftmax of an expanded row", t -> t[0].logSoftmax(1), randn(dtype, 1, 6).expand(4, 6)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("softmaxCases")
    void softmax(Case c) {
        check(c);
    }

    // ================================================================ matrix products

    static Stream<Case> matmulCases() {
        ParityInput.reseed("matmulCases");
        List<Case> cases = new ArrayList<>();
        for (DType dtype : List.of(FLOAT32, FLOAT64, INT64)) {
            Sampler s = dtype == INT64 ? shape -> ints(INT64, -5, 6, shape) : shape -> randn(dtype, shape);
            cases.add(accumulating("mm", x -> x[0].mm(x[1]), s.of(5, 3), s.of(3, 4)));
            cases.add(accumulating("mm of transposed operands", x -> x[0].mm(x[1]), s.of(3, 5).t(), s.of(4, 3).t()));
            cases.add(accumulating("mm of a narrowed operand", x -> x[0].mm(x[1]), s.of(5, 6).narrow(1, 1, 3), s.of(3, 4)));
            cases.add(accumulating("mm of an expanded operand", x -> x[0].mm(x[1]), s.of(1, 3).expand(5, 3), s.of(3, 4)));
            cases.add(accumulating("matmul dot", x -> x[0].matmul(x[1]), s.of(7), s.of(7)));
            cases.add(accumulating("matmul vector-matrix", x -> x[0].matmul(x[1]), s.of(7), s.of(7, 3)));
            cases.add(accumulating("matmul matrix-vector", x -> x[0].matmul(x[1]), s.of(3, 7), s.of(7)));
            cases.add(accumulating("matmul batched", x -> x[0].matmul(x[1]), s.of(2, 5, 3), s.of(2, 3, 4)));
            cases.add(accumulating("matmul batch broadcast", x -> x[0].matmul(x[1]), s.of(2, 5, 3), s.of(3, 4)));
            cases.add(accumulating("matmul batch broadcast 4-D", x -> x[0].matmul(x[1]), s.of(2, 1, 5, 3), s.of(3, 3, 4)));
            cases.add(accumulating("matmul batched, transposed", x -> x[0].matmul(x[1]),
                    s.of(2, 3, 5).transpose(1, 2), s.of(2, 4, 3).transpose(-1, -2)));
            cases.add(accumulating("matmul expanded batch", x -> x[0].matmul(x[1]), s.of(1, 5, 3).expand(4, 5, 3),
                    s.of(4, 3, 2)));
            cases.add(accumulating("matmul batched vector", x -> x[0].matmul(x[1]), s.of(3), s.of(2, 3, 4)));
            cases.add(accumulating("mm with k = 0", x -> x[0].mm(x[1]), s.of(3, 0), s.of(0, 4)));
            cases.add(accumulating("mm with k = 1", x -> x[0].mm(x[1]), s.of(300, 1), s.of(1, 200)));
            // Views the kernels take as they lie: Linear's x.mm(w.t()) and its weight gradient's
            // g.t().mm(x); leading dimensions past the extent, with odd offsets, over more than one
            // slice of k (8) so that each step to the next slice shows; and batches that are
            // transposed, narrowed or broadcast (stride 0).
            cases.add(accumulating("mm of a transposed second operand", x -> x[0].mm(x[1]), s.of(5, 3), s.of(4, 3).t()));
            cases.add(accumulating("mm of a transposed first operand", x -> x[0].mm(x[1]), s.of(6, 5).t(), s.of(6, 4)));
            cases.add(accumulating("mm of transposed operands with gaps", x -> x[0].mm(x[1]),
                    s.of(12, 8).narrow(1, 1, 5).t(), s.of(4, 14).narrow(1, 2, 12).t()));
            cases.add(accumulating("mm of a narrowed second operand", x -> x[0].mm(x[1]), s.of(3, 12),
                    s.of(12, 6).narrow(1, 1, 4)));
            cases.add(accumulating("bmm of transposed views", x -> x[0].bmm(x[1]),
                    s.of(2, 12, 7).narrow(2, 1, 5).transpose(1, 2), s.of(2, 4, 12).transpose(1, 2)));
            cases.add(accumulating("bmm of broadcast batches", x -> x[0].bmm(x[1]), s.of(1, 5, 3).expand(4, 5, 3),
                    s.of(1, 4, 3).expand(4, 4, 3).transpose(1, 2)));
            cases.add(accumulating("matmul of a matrix by a transposed batch", x -> x[0].matmul(x[1]), s.of(5, 3),
                    s.of(4, 2, 3).transpose(1, 2)));
            cases.add(accumulating("matmul of a batch by a broadcast transposed batch", x -> x[0].matmul(x[1]),
                    s.of(3, 5, 4).transpose(1, 2), s.of(1, 2, 5).transpose(1, 2)));
        }
        // Beyond one 128x128 tile, with ragged edges in every direction, and many batches.
        cases.add(accumulating("mm across tiles", x -> x[0].mm(x[1]), randn(FLOAT32, 130, 70), randn(FLOAT32, 70, 129)));
        cases.add(accumulating("mm across tiles, transposed", x -> x[0].mm(x[1]),
                randn(FLOAT32, 257, 259).t(), randn(FLOAT32, 129, 257).t()));
        cases.add(accumulating("mm across tiles, second transposed", x -> x[0].mm(x[1]), randn(FLOAT32, 130, 70),
                randn(FLOAT32, 129, 70).t()));
        cases.add(accumulating("mm across tiles, first transposed", x -> x[0].mm(x[1]), randn(FLOAT32, 70, 130).t(),
                randn(FLOAT32, 70, 129)));
        cases.add(accumulating("mm of a long inner dimension", x -> x[0].mm(x[1]), randn(FLOAT32, 3, 4099),
                randn(FLOAT32, 4099, 5)));
        cases.add(accumulating("matmul many small batches", x -> x[0].matmul(x[1]), randn(FLOAT32, 1000, 3, 5),
                randn(FLOAT32, 5, 2)));
        cases.add(accumulating("mm across tiles float64", x -> x[0].mm(x[1]), randn(FLOAT64, 131, 9), randn(FLOAT64, 9, 140)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matmulCases")
    void matrixProducts(Case c) {
        check(c);
    }

    // ================================================================ joining and indexing

    static Stream<Case> indexingCases() {
        ParityInput.reseed("indexingCases");
        List<Case> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            Sampler s = dtype == BOOL ? ParityInput::bools : shape -> ints(dtype, -50, 50, shape);
            cases.add(exact("cat(0)", x -> Tensor.cat(0, x[0], x[1]), s.of(2, 3), s.of(4, 3)));
            cases.add(exact("cat(1) of views", x -> Tensor.cat(1, x[0], x[1], x[2]), s.of(3, 2).t(),
                    s.of(2, 5).narrow(1, 1, 3), s.of(2, 1)));
            cases.add(exact("cat(-1) with an empty part", x -> Tensor.cat(-1, x[0], x[1]), s.of(2, 0), s.of(2, 3)));
            cases.add(exact("indexSelect(0) with repeats", x -> x[0].indexSelect(0, x[1]), s.of(5, 4),
                    index(new long[] {4, 0, 4, 2}, 4)));
            cases.add(exact("indexSelect(1) of a transposed input", x -> x[0].indexSelect(1, x[1]), s.of(4, 5).t(),
                    index(new long[] {3, 1}, 2)));
            cases.add(exact("indexSelect(1) of 3-D", x -> x[0].indexSelect(1, x[1]), s.of(2, 5, 3),
                    index(new long[] {0, 4, 4, 1, 2}, 5)));
            cases.add(exact("indexSelect with a 0-d index", x -> x[0].indexSelect(0, x[1]), s.of(5, 4), index(new long[] {3})));
            cases.add(exact("gather(0)", x -> x[0].gather(0, x[1]), s.of(3, 4), ints(INT64, 0, 3, 2, 4)));
            cases.add(exact("gather(1)", x -> x[0].gather(1, x[1]), s.of(3, 4), ints(INT64, 0, 4, 3, 6)));
            cases.add(exact("gather(1) of a transposed input", x -> x[0].gather(1, x[1]), s.of(4, 3).t(),
                    ints(INT64, 0, 4, 2, 3)));
            cases.add(exact("gather(-1) of 3-D with a transposed index", x -> x[0].gather(-1, x[1]), s.of(2, 3, 5),
                    ints(INT64, 0, 5, 2, 4, 3).transpose(1, 2)));
        }
        cases.add(exact("cat promotes float32 and float64", x -> Tensor.cat(0, x[0], x[1]), randn(FLOAT32, 2, 3),
                randn(FLOAT64, 1, 3)));
        cases.add(exact("cat promotes bool and int64", x -> Tensor.cat(1, x[0], x[1]), bools(2, 3), ints(INT64, -9, 9, 2, 2)));
        cases.add(exact("indexSelect of many rows", x -> x[0].indexSelect(0, x[1]), randn(FLOAT32, 1000, 64),
                ints(INT64, 0, 1000, 5000)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("indexingCases")
    void joiningAndIndexing(Case c) {
        check(c);
    }

    // ================================================================ in place

    /**
     * An in-place op on {@code target} (seen through {@code view}) with {@code args}: after it, the
     * whole target (not just the view) must match, the op must return the view itself, and the
     * version must have grown by one on both devices.
     */
    record InPlace(String name, Tolerance tolerance, ParityInput target, UnaryOperator<Tensor> view,
                   BiFunction<Tensor, Tensor[], Tensor> op, ParityInput... args) {
        @Override
        public String toString() {
            return name + " on " + target + " with " + Arrays.toString(args);
        }

        Tensor run(Device device) {
            Tensor base = target.on(device);
            Tensor self = view.apply(base);
            Tensor[] placed = place(device, args);
            int before = self.version();
            assertSame(self, op.apply(self, placed), name + " returns the tensor it wrote");
            assertEquals(before + 1, self.version(), name + " on " + device + " bumps the version once");
            assertEquals(self.version(), base.version(), "a view shares its base's version");
            return base;
        }
    }

    private static InPlace inPlace(String name, Tolerance tolerance, ParityInput target, BiFunction<Tensor, Tensor[], Tensor> op,
                                   ParityInput... args) {
        return new InPlace(name, tolerance, target, t -> t, op, args);
    }

    private static InPlace inView(String name, Tolerance tolerance, ParityInput target, UnaryOperator<Tensor> view,
                                  BiFunction<Tensor, Tensor[], Tensor> op, ParityInput... args) {
        return new InPlace(name, tolerance, target, view, op, args);
    }

    static Stream<InPlace> inPlaceCases() {
        ParityInput.reseed("inPlaceCases");
        List<InPlace> cases = new ArrayList<>();
        for (DType dtype : List.of(FLOAT32, FLOAT64, INT64)) {
            Sampler s = dtype == INT64 ? shape -> ints(INT64, -50, 50, shape) : shape -> randn(dtype, shape);
            cases.add(inPlace("add_ broadcast", ELEMENTWISE, s.of(3, 5), (x, a) -> x.add_(a[0]), s.of(5)));
            cases.add(inPlace("add_ 3", ELEMENTWISE, s.of(3, 5), (x, a) -> x.add_(3)));
            cases.add(inPlace("sub_", ELEMENTWISE, s.of(3, 5), (x, a) -> x.sub_(a[0]), s.of(5, 3).t()));
            cases.add(inPlace("sub_ 2", ELEMENTWISE, s.of(3, 5), (x, a) -> x.sub_(2)));
            cases.add(inPlace("mul_ broadcast column", ELEMENTWISE, s.of(3, 5), (x, a) -> x.mul_(a[0]), s.of(3, 1)));
            cases.add(inPlace("mul_ -2", ELEMENTWISE, s.of(3, 5), (x, a) -> x.mul_(-2)));
            cases.add(inView("add_ into a narrowed view", ELEMENTWISE, s.of(4, 6), t -> t.narrow(1, 1, 3),
                    (x, a) -> x.add_(a[0]), s.of(4, 3)));
            cases.add(inView("mul_ into a transposed view", ELEMENTWISE, s.of(3, 4), Tensor::t, (x, a) -> x.mul_(a[0]),
                    s.of(4, 3)));
            cases.add(inPlace("zero_", EXACT, s.of(3, 5), (x, a) -> x.zero_()));
            cases.add(inView("zero_ of a narrowed view", EXACT, s.of(4, 6), t -> t.narrow(0, 1, 2), (x, a) -> x.zero_()));
            cases.add(inPlace("fill_", EXACT, s.of(3, 5), (x, a) -> x.fill_(7)));
            cases.add(inView("fill_ of a transposed view", EXACT, s.of(3, 5), Tensor::t, (x, a) -> x.fill_(-3)));
            cases.add(inPlace("copy_ on the device", EXACT, s.of(3, 5), (x, a) -> x.copy_(a[0]), s.of(5, 3).t()));
            cases.add(inPlace("copy_ broadcast", EXACT, s.of(3, 5), (x, a) -> x.copy_(a[0]), s.of(5)));
            cases.add(inPlace("copy_ from the CPU", EXACT, s.of(3, 5), (x, a) -> x.copy_(a[0].to(Device.CPU)), s.of(3, 5)));
            cases.add(inView("copy_ into a narrowed view", EXACT, s.of(4, 6), t -> t.narrow(1, 2, 3),
                    (x, a) -> x.copy_(a[0]), s.of(4, 3)));
            cases.add(inPlace("copy_ converts float64", EXACT, s.of(3, 5), (x, a) -> x.copy_(a[0]),
                    uniform(FLOAT64, -9, 9, 3, 5)));
        }
        cases.add(inPlace("add_ float32 into float64", ELEMENTWISE, randn(FLOAT64, 3, 4), (x, a) -> x.add_(a[0]),
                randn(FLOAT32, 4)));
        cases.add(inPlace("add_ bool into int64", ELEMENTWISE, ints(INT64, -5, 5, 3, 4), (x, a) -> x.add_(a[0]), bools(3, 4)));
        cases.add(inPlace("fill_ NaN", EXACT, randn(FLOAT32, 3, 4), (x, a) -> x.fill_(NAN)));
        cases.add(inPlace("fill_ of bools", EXACT, bools(3, 4), (x, a) -> x.fill_(1)));
        cases.add(inPlace("zero_ of bools", EXACT, bools(3, 4), (x, a) -> x.zero_()));
        cases.add(inPlace("copy_ float32 into bool", EXACT, bools(2, 6), (x, a) -> x.copy_(a[0]),
                ParityInput.of(Tensor.of(0f, -0f, 1f, Float.NaN, 0.25f, -3f, 0f, 2f, 0f, 0f, 1e-30f, 0f).reshape(2, 6),
                        "floats")));
        cases.add(inPlace("copy_ from the CPU converting int64", EXACT, randn(FLOAT32, 2, 3),
                (x, a) -> x.copy_(a[0].to(Device.CPU)), ints(INT64, -1000, 1000, 2, 3)));
        for (DType dtype : List.of(FLOAT32, FLOAT64)) {
            // Drawn on the host in row-major order of the written tensor: the CPU's numbers, also through a view.
            cases.add(inPlace("uniform_", EXACT, randn(dtype, 30, 40), (x, a) -> seeded(() -> x.uniform_(-2, 3))));
            cases.add(inPlace("normal_", EXACT, randn(dtype, 30, 40), (x, a) -> seeded(() -> x.normal_(1, 0.5))));
            cases.add(inView("uniform_ of a transposed view", EXACT, randn(dtype, 30, 40), Tensor::t,
                    (x, a) -> seeded(() -> x.uniform_(0, 1))));
            cases.add(inView("normal_ of a narrowed view", EXACT, randn(dtype, 30, 40), t -> t.narrow(1, 5, 20),
                    (x, a) -> seeded(() -> x.normal_(0, 2))));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inPlaceCases")
    void inPlaceOps(InPlace c) {
        assertSameTensor(c.toString(), c.run(Device.CPU), c.run(CUDA), c.tolerance());
    }

    /**
     * Contiguous operands take the kernel's 128-bit path when their first elements are 16-byte
     * aligned: every alignment of each operand, lengths around a multiple of the pack (the
     * scalar tail), and every op, against the CPU.
     */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64", "INT64"})
    void contiguousBinaryOpsAtEveryAlignment(DType dtype) {
        ParityInput.reseed("contiguousBinaryOpsAtEveryAlignment");
        Tensor a = dtype == INT64 ? Tensor.randn(FLOAT64, 1100).mul(100).to(INT64) : Tensor.randn(dtype, 1100);
        Tensor b = dtype == INT64 ? Tensor.randn(FLOAT64, 1100).mul(100).to(INT64) : Tensor.randn(dtype, 1100);
        Tensor ga = a.to(CUDA);
        Tensor gb = b.to(CUDA);
        List<BiFunction<Tensor, Tensor, Tensor>> ops = new ArrayList<>(List.of(Tensor::add, Tensor::sub, Tensor::mul,
                Tensor::maximum));
        if (dtype != INT64) {
            ops.add(Tensor::div);
        }
        for (int length : new int[] {1, 3, 4, 5, 8, 13, 1024, 1027}) {
            for (int offA = 0; offA < 4; offA++) {
                for (int offB : new int[] {0, 1, offA}) {
                    for (int o = 0; o < ops.size(); o++) {
                        String what = dtype + " op " + o + " of " + length + " elements from offsets " + offA + ", " + offB;
                        Tensor cpu = ops.get(o).apply(a.narrow(0, offA, length), b.narrow(0, offB, length));
                        Tensor gpu = ops.get(o).apply(ga.narrow(0, offA, length), gb.narrow(0, offB, length));
                        assertSameTensor(what, cpu, gpu, ELEMENTWISE);
                    }
                    // The output's alignment too: written through an offset view.
                    Tensor out = Tensor.zeros(dtype, length + 3).to(CUDA).narrow(0, 3 - offA, length);
                    ga.narrow(0, offA, length).add(gb.narrow(0, offB, length), out);
                    assertSameTensor(dtype + " add into an output at offset " + (3 - offA),
                            a.narrow(0, offA, length).add(b.narrow(0, offB, length)), out, ELEMENTWISE);
                }
            }
        }
    }

    /**
     * The other kernels with a contiguous path (unary, clamp, compare, where, converting copies,
     * fill) at every alignment of their operands, and reductions and softmax over contiguous rows
     * starting at every alignment, with lengths around the packs, against the CPU. On a GPU a
     * vector access at a misaligned address faults, so this is where a wrong alignment rule shows.
     */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void contiguousPathsAtEveryAlignment(DType dtype) {
        ParityInput.reseed("contiguousPathsAtEveryAlignment");
        DType other = dtype == FLOAT32 ? FLOAT64 : FLOAT32;
        Tensor a = Tensor.randn(dtype, 1100);
        Tensor b = Tensor.randn(dtype, 1100);
        Tensor ga = a.to(CUDA);
        Tensor gb = b.to(CUDA);
        for (int length : new int[] {1, 3, 4, 5, 8, 13, 17, 1027}) {
            for (int offA = 0; offA < 4; offA++) {
                int offB = (offA + 1) % 4;
                Tensor x = a.narrow(0, offA, length);
                Tensor y = b.narrow(0, offB, length);
                Tensor gx = ga.narrow(0, offA, length);
                Tensor gy = gb.narrow(0, offB, length);
                String at = dtype + ", " + length + " elements from offsets " + offA + " and " + offB;
                assertSameTensor("relu, " + at, x.relu(), gx.relu(), ELEMENTWISE);
                assertSameTensor("exp, " + at, x.exp(), gx.exp(), ELEMENTWISE);
                assertSameTensor("clamp, " + at, x.clamp(-0.5, 0.25), gx.clamp(-0.5, 0.25), ELEMENTWISE);
                assertSameTensor("lt, " + at, x.lt(y), gx.lt(gy), EXACT);
                assertSameTensor("where, " + at, Tensor.where(x.lt(y), x, y), Tensor.where(gx.lt(gy), gx, gy), EXACT);
                assertSameTensor("to " + other + ", " + at, x.to(other), gx.to(other), ELEMENTWISE);
                // Outputs at every alignment: a converting copy and a fill into offset views.
                int offOut = 3 - offA;
                Tensor converted = Tensor.zeros(other, length + 3).to(CUDA);
                converted.narrow(0, offOut, length).copy_(gx);
                Tensor want = Tensor.zeros(other, length + 3);
                want.narrow(0, offOut, length).copy_(x);
                assertSameTensor("a copy to " + other + " at offset " + offOut + ", " + at, want, converted, ELEMENTWISE);
                Tensor filled = Tensor.zeros(BOOL, length + 17).to(CUDA);
                filled.narrow(0, offA + offOut, length).fill_(1);
                Tensor wantFilled = Tensor.zeros(BOOL, length + 17);
                wantFilled.narrow(0, offA + offOut, length).fill_(1);
                assertSameTensor("a bool fill at offset " + (offA + offOut) + ", " + at, wantFilled, filled, EXACT);
            }
        }
        // Rows of a [5, 1041] matrix narrowed along its rows: each row contiguous, each starting at
        // another alignment.
        Tensor m = Tensor.randn(dtype, 5, 1041);
        Tensor gm = m.to(CUDA);
        for (int length : new int[] {1, 3, 4, 5, 13, 1027}) {
            for (int off = 0; off < 4; off++) {
                Tensor r = m.narrow(1, off, length);
                Tensor gr = gm.narrow(1, off, length);
                String at = dtype + ", rows of " + length + " from column " + off;
                assertSameTensor("sum, " + at, r.sum(1, false), gr.sum(1, false), ACCUMULATING);
                assertSameTensor("amax, " + at, r.amax(1, false), gr.amax(1, false), EXACT);
                assertSameTensor("softmax, " + at, r.softmax(1), gr.softmax(1), ACCUMULATING);
                assertSameTensor("logSoftmax, " + at, r.logSoftmax(1), gr.logSoftmax(1), ACCUMULATING);
            }
        }
    }

    @Test
    void aViewWrittenOnTheGpuChangesItsBase() {
        Tensor base = Tensor.zeros(FLOAT32, 3, 4).to(CUDA);
        Tensor view = base.t().narrow(0, 1, 2);
        view.fill_(5);
        view.add_(Tensor.ones(FLOAT32, 3).to(CUDA));
        assertArrayEquals(new float[] {0, 6, 6, 0, 0, 6, 6, 0, 0, 6, 6, 0}, base.toFloatArray());
        assertEquals(2, base.version());
    }

    // ================================================================ gradients

    static Stream<Case> gradientCases() {
        ParityInput.reseed("gradientCases");
        List<Case> cases = new ArrayList<>();
        ParityInput x = randn(FLOAT64, 4, 3).t();
        ParityInput positive = uniform(FLOAT64, 0.25, 3, 3, 4);
        ParityInput row = randn(FLOAT64, 4);
        ParityInput column = randn(FLOAT64, 3, 1);
        ParityInput positiveRow = uniform(FLOAT64, 0.25, 3, 4);
        ParityInput mask = bools(3, 4);

        cases.add(accumulating("neg", t -> t[0].neg(), x));
        cases.add(accumulating("abs", t -> t[0].abs(), x));
        cases.add(accumulating("exp", t -> t[0].exp(), x));
        cases.add(accumulating("log", t -> t[0].log(), positive));
        cases.add(accumulating("sqrt", t -> t[0].sqrt(), positive));
        cases.add(accumulating("sin", t -> t[0].sin(), x));
        cases.add(accumulating("cos", t -> t[0].cos(), x));
        cases.add(accumulating("tanh", t -> t[0].tanh(), x));
        cases.add(accumulating("sigmoid", t -> t[0].sigmoid(), x));
        cases.add(accumulating("relu", t -> t[0].relu(), x));
        cases.add(accumulating("erf", t -> t[0].erf(), x));
        cases.add(accumulating("gelu", t -> Functional.gelu(t[0]), x));

        cases.add(accumulating("add, broadcast", t -> t[0].add(t[1]), x, row));
        cases.add(accumulating("sub, both broadcast", t -> t[0].sub(t[1]), column, row));
        cases.add(accumulating("mul, broadcast", t -> t[0].mul(t[1]), x, column));
        cases.add(accumulating("div, broadcast", t -> t[0].div(t[1]), x, positiveRow));
        cases.add(accumulating("pow of both", t -> t[0].pow(t[1]), positive, row));
        cases.add(accumulating("maximum", t -> t[0].maximum(t[1]), x, row));
        cases.add(accumulating("minimum", t -> t[0].minimum(t[1]), column, x));
        cases.add(accumulating("maximum with ties", t -> t[0].maximum(t[1]), ints(FLOAT64, -2, 3, 3, 4),
                ints(FLOAT64, -2, 3, 4)));
        cases.add(accumulating("mul by a 0-d tensor", t -> t[0].mul(t[1]), x, randn(FLOAT64)));
        cases.add(accumulating("add 2.5", t -> t[0].add(2.5), x));
        cases.add(accumulating("sub 2.5", t -> t[0].sub(2.5), x));
        cases.add(accumulating("mul 2.5", t -> t[0].mul(2.5), x));
        cases.add(accumulating("div 4", t -> t[0].div(4), x));
        cases.add(accumulating("pow 3", t -> t[0].pow(3), x));
        cases.add(accumulating("pow 0.5", t -> t[0].pow(0.5), positive));
        cases.add(accumulating("maximum 0.2", t -> t[0].maximum(0.2), x));
        cases.add(accumulating("minimum 0.2", t -> t[0].minimum(0.2), x));

        cases.add(accumulating("clamp", t -> t[0].clamp(-0.5, 0.5), x));
        cases.add(accumulating("clampMin", t -> t[0].clampMin(0), x));
        cases.add(accumulating("clampMax", t -> t[0].clampMax(0.3), x));
        cases.add(accumulating("where", t -> Tensor.where(t[2], t[0], t[1]), x, row, mask));
        cases.add(accumulating("maskedFill", t -> t[0].maskedFill(t[1], 0), x, bools(4)));

        cases.add(accumulating("sum()", t -> t[0].sum(), x));
        cases.add(accumulating("sum(1, false)", t -> t[0].sum(1, false), x));
        cases.add(accumulating("sum(0, true)", t -> t[0].sum(0, true), x));
        cases.add(accumulating("mean()", t -> t[0].mean(), x));
        cases.add(accumulating("mean(-1, true)", t -> t[0].mean(-1, true), x));
        cases.add(accumulating("max()", t -> t[0].max(), x));
        cases.add(accumulating("max() shared between ties", t -> t[0].max(),
                ParityInput.of(Tensor.of(1.0, 3.0, 3.0, 2.0), "ties")));
        cases.add(accumulating("softmax(1)", t -> t[0].softmax(1), x));
        cases.add(accumulating("logSoftmax(0)", t -> t[0].logSoftmax(0), x));
        cases.add(accumulating("softmax(1) of 3-D", t -> t[0].softmax(1), randn(FLOAT64, 2, 3, 5).transpose(0, 2)));

        cases.add(accumulating("mm", t -> t[0].mm(t[1]), randn(FLOAT64, 5, 3), randn(FLOAT64, 3, 4)));
        cases.add(accumulating("mm of transposed operands", t -> t[0].mm(t[1]), randn(FLOAT64, 3, 5).t(),
                randn(FLOAT64, 4, 3).t()));
        cases.add(accumulating("matmul batch broadcast", t -> t[0].matmul(t[1]), randn(FLOAT64, 2, 1, 5, 3),
                randn(FLOAT64, 3, 3, 4)));
        cases.add(accumulating("matmul expanded batch", t -> t[0].matmul(t[1]), randn(FLOAT64, 1, 5, 3).expand(4, 5, 3),
                randn(FLOAT64, 4, 3, 2)));
        cases.add(accumulating("matmul vector-matrix", t -> t[0].matmul(t[1]), randn(FLOAT64, 7), randn(FLOAT64, 7, 3)));
        cases.add(accumulating("matmul dot", t -> t[0].matmul(t[1]), randn(FLOAT64, 7), randn(FLOAT64, 7)));

        cases.add(accumulating("cat", t -> Tensor.cat(0, t[0], t[1]), x, randn(FLOAT64, 4, 2).t()));
        cases.add(accumulating("cat(1)", t -> Tensor.cat(1, t[0], t[1]), x, column));
        cases.add(accumulating("indexSelect with repeats", t -> t[0].indexSelect(0, t[1]), randn(FLOAT64, 5, 3),
                index(new long[] {4, 0, 4, 4, 2}, 5)));
        cases.add(accumulating("indexSelect(1) with repeats", t -> t[0].indexSelect(1, t[1]), x,
                index(new long[] {3, 3, 0, 3}, 4)));
        cases.add(accumulating("gather with repeats", t -> t[0].gather(1, t[1]), x, ints(INT64, 0, 4, 3, 9)));
        cases.add(accumulating("gather(0) of many rows", t -> t[0].gather(0, t[1]), randn(FLOAT64, 50, 8),
                ints(INT64, 0, 50, 2000, 8)));

        cases.add(accumulating("t", t -> t[0].t(), randn(FLOAT64, 3, 4)));
        cases.add(accumulating("transpose", t -> t[0].transpose(0, 2), randn(FLOAT64, 2, 3, 4)));
        cases.add(accumulating("narrow", t -> t[0].narrow(1, 1, 2), x));
        cases.add(accumulating("expand", t -> t[0].expand(5, 3, 4), x));
        cases.add(accumulating("expandAs", t -> t[0].expandAs(t[1]).mul(t[1]), row, x));
        cases.add(accumulating("reshape of a transposed input", t -> t[0].reshape(2, 6), x));
        cases.add(accumulating("view", t -> t[0].view(6, 2), randn(FLOAT64, 3, 4)));
        cases.add(accumulating("unsqueeze", t -> t[0].unsqueeze(0).mul(t[1]), row, column));
        cases.add(accumulating("squeeze", t -> t[0].squeeze(1), column));
        cases.add(accumulating("clone", t -> t[0].clone(), x));
        cases.add(accumulating("contiguous", t -> t[0].contiguous(), x));

        cases.add(accumulating("to(float32) and back", t -> t[0].to(FLOAT32).mul(t[0].to(FLOAT32)).to(FLOAT64), x));
        cases.add(accumulating("through the CPU and back", t -> t[0].to(Device.CPU).exp().to(t[0].device()).mul(t[0]), x));
        cases.add(accumulating("in place on an intermediate", t -> t[0].mul(2).add_(t[1]).mul_(t[1]), x, row));
        cases.add(accumulating("a composite", t -> t[0].mul(t[1]).sigmoid().sum(1, false).logSoftmax(0), x, row));

        cases.add(accumulating("float32 mm", t -> t[0].mm(t[1]), randn(FLOAT32, 20, 30), randn(FLOAT32, 30, 10)));
        cases.add(accumulating("float32 softmax", t -> t[0].softmax(1), randn(FLOAT32, 20, 30)));
        cases.add(accumulating("float32 sigmoid, broadcast", t -> t[0].mul(t[1]).sigmoid(), randn(FLOAT32, 20, 30),
                randn(FLOAT32, 30)));
        cases.add(accumulating("float32 logSoftmax gather (a cross-entropy)", t -> t[0].logSoftmax(1).gather(1, t[1]),
                randn(FLOAT32, 64, 10), ints(INT64, 0, 10, 64, 1)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gradientCases")
    void gradients(Case c) {
        assertSameGradients(c.toString(), c.tolerance(), c.fn(), c.inputs());
    }

    static Stream<Case> gradcheckCases() {
        ParityInput.reseed("gradcheckCases");
        return Stream.of(
                elementwise("tanh of a broadcast product", t -> t[0].mul(t[1]).tanh(), randn(FLOAT64, 3, 4), randn(FLOAT64, 4)),
                elementwise("logSoftmax of a matrix product", t -> t[0].matmul(t[1]).logSoftmax(1), randn(FLOAT64, 3, 5),
                        randn(FLOAT64, 5, 4)),
                elementwise("gather, squared and summed", t -> t[0].gather(1, t[1]).pow(2).sum(0, false), randn(FLOAT64, 3, 4),
                        ints(INT64, 0, 4, 3, 5)),
                elementwise("indexSelect and maximum", t -> t[0].indexSelect(0, t[1]).maximum(t[2]), randn(FLOAT64, 4, 3),
                        index(new long[] {1, 3, 1}, 3), randn(FLOAT64, 3)),
                elementwise("sqrt of a quotient", t -> t[0].div(t[1]).sqrt(), uniform(FLOAT64, 0.5, 2, 2, 3),
                        uniform(FLOAT64, 0.5, 2, 3)));
    }

    /** Gradcheck itself on the GPU: analytical gradients computed there against its finite differences. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gradcheckCases")
    void gradcheckOnTheGpu(Case c) {
        assertTrue(Gradcheck.check(c.fn(), gpuLeaves(c.inputs())));
    }

    @Test
    void gradgradcheckOnTheGpu() {
        ParityInput.reseed("gradgradcheckOnTheGpu");
        assertTrue(Gradcheck.gradgradcheck(t -> t[0].tanh().mul(t[1]).sum(1, false),
                gpuLeaves(randn(FLOAT64, 3, 4), randn(FLOAT64, 4))));
    }

    private static Tensor[] gpuLeaves(ParityInput... inputs) {
        return Arrays.stream(inputs).map(in -> in.isFloating() ? in.leafOn(CUDA) : in.on(CUDA)).toArray(Tensor[]::new);
    }

    // ================================================================ device mismatch

    /** An op given tensors from both devices. */
    @FunctionalInterface
    interface Mixed {
        Object run(Tensor cpu, Tensor gpu);
    }

    static Stream<Arguments> mixedDeviceCalls() {
        return Stream.of(
                Arguments.of("add", (Mixed) (c, g) -> c.add(g), "cpu and cuda:0"),
                Arguments.of("mul", (Mixed) (c, g) -> g.mul(c), "cuda:0 and cpu"),
                Arguments.of("gt", (Mixed) (c, g) -> g.gt(c), "cuda:0 and cpu"),
                Arguments.of("add", (Mixed) (c, g) -> g.add(g, c), "cuda:0 and cpu"),
                Arguments.of("mm", (Mixed) (c, g) -> c.mm(g), "cpu and cuda:0"),
                Arguments.of("matmul", (Mixed) (c, g) -> g.unsqueeze(0).matmul(c), "cuda:0 and cpu"),
                Arguments.of("cat", (Mixed) (c, g) -> Tensor.cat(0, c, g), "cpu and cuda:0"),
                Arguments.of("where", (Mixed) (c, g) -> Tensor.where(g.gt(0), c, g), "cuda:0 and cpu"),
                Arguments.of("maskedFill", (Mixed) (c, g) -> g.maskedFill(c.gt(0), 0), "cuda:0 and cpu"),
                Arguments.of("indexSelect", (Mixed) (c, g) -> g.indexSelect(0, Tensor.of(0L, 1L)), "cuda:0 and cpu"),
                Arguments.of("gather", (Mixed) (c, g) -> g.gather(0, Tensor.of(new long[] {0, 1}).reshape(1, 2)),
                        "cuda:0 and cpu"),
                Arguments.of("add_", (Mixed) (c, g) -> g.add_(c), "cuda:0 and cpu"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("mixedDeviceCalls")
    void mixingDevicesNamesBoth(String op, Mixed call, String devices) {
        Tensor cpu = Tensor.ones(2, 2);
        Tensor gpu = Tensor.ones(2, 2).to(CUDA);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call.run(cpu, gpu));
        assertEquals(op + ": expected all tensors to be on the same device, but found " + devices, e.getMessage());
    }

    @Test
    void aGradientOnTheWrongDeviceIsNamed() {
        Tensor x = Tensor.ones(3).to(CUDA).requiresGrad(true);
        Tensor y = new HostGradient().apply(x)[0];
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertEquals("function HostGradientBackward returned an invalid gradient at index 0 - expected device cuda:0 but got cpu",
                e.getMessage());
        IllegalArgumentException set = assertThrows(IllegalArgumentException.class, () -> x.setGrad(Tensor.ones(3)));
        assertTrue(set.getMessage().contains("device cpu but the tensor has shape [3], dtype float32, device cuda:0"),
                set.getMessage());
    }

    /** A hand-written op whose backward wrongly returns its gradient on the CPU. */
    private static final class HostGradient extends Function {
        @Override
        protected Tensor[] forward(Tensor[] inputs) {
            return new Tensor[] {inputs[0].mul(2)};
        }

        @Override
        protected Tensor[] backward(Tensor[] gradOutputs) {
            return new Tensor[] {gradOutputs[0].mul(2).to(Device.CPU)};
        }
    }
}
