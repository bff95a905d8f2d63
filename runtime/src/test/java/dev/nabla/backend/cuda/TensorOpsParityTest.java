package dev.nabla.backend.cuda;

import static dev.nabla.DType.BOOL;
import static dev.nabla.DType.FLOAT32;
import static dev.nabla.DType.FLOAT64;
import static dev.nabla.DType.INT64;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.ACCUMULATING;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.ELEMENTWISE;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.EXACT;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameGradients;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameResult;
import static dev.nabla.backend.cuda.ParityInput.bools;
import static dev.nabla.backend.cuda.ParityInput.ints;
import static dev.nabla.backend.cuda.ParityInput.randn;
import static dev.nabla.backend.cuda.ParityInput.scalar;
import static dev.nabla.backend.cuda.ParityInput.uniform;

import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Tensor;
import dev.nabla.backend.cuda.CudaParityTest.Case;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tensor ops of the second stage on CUDA against the CPU backend, forward and backward, with
 * {@link CudaParityTest}'s tolerances. The new kernels (log1p, rsqrt, cumsum) get strided,
 * expanded, 0-dimensional, empty and long-row operands and special values; the ops built on
 * existing kernels (views, cat, matrix products, reductions, masked fill, scatter) are run once
 * or twice each, to show their composition runs on the device; forward mode (jvp) runs through
 * the same kernels. Skipped without a usable CUDA
 * backend; {@link TensorOpsParityOnCpuKernelsTest} runs it on the kernels compiled for the CPU.
 */
class TensorOpsParityTest {
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    @BeforeEach
    void requireCuda() {
        ParityAssertions.assumeCuda();
    }

    private static ParityInput special(DType dtype, double... values) {
        double[] v = values.clone();
        return ParityInput.of(Tensor.of(v).to(dtype), Arrays.toString(values));
    }

    // ================================================================ the new kernels

    static Stream<Case> kernelCases() {
        ParityInput.reseed("kernelCases");
        List<Case> cases = new ArrayList<>();
        for (DType dtype : List.of(FLOAT32, FLOAT64)) {
            for (ParityInput x : List.of(uniform(dtype, 0.01, 5, 3, 4), uniform(dtype, 0.01, 5, 4, 3).t(),
                    uniform(dtype, 0.01, 5, 3, 6).narrow(1, 1, 4), uniform(dtype, 0.01, 5, 1, 4).expand(3, 4),
                    scalar(dtype, 0.5), uniform(dtype, 0.01, 5, 0, 3), uniform(dtype, 0.01, 5, 257, 129))) {
                cases.add(new Case("log1p", ELEMENTWISE, t -> t[0].log1p(), x));
                cases.add(new Case("rsqrt", ELEMENTWISE, t -> t[0].rsqrt(), x));
            }
            ParityInput edges = special(dtype, -1, -2, 0, -0.0, 1e-10, -1e-12, INF, -INF, NAN, 1e-30);
            cases.add(new Case("log1p of special values", EXACT, t -> t[0].log1p(), edges));
            cases.add(new Case("rsqrt of special values", EXACT, t -> t[0].rsqrt(), edges));
            for (ParityInput x : List.of(randn(dtype, 3, 4), randn(dtype, 4, 3).t(), randn(dtype, 3, 6).narrow(1, 1, 4),
                    randn(dtype, 1, 4).expand(3, 4), randn(dtype, 2, 3, 5).transpose(0, 2))) {
                for (int dim : new int[] {0, 1, -1}) {
                    cases.add(new Case("cumsum(" + dim + ")", ACCUMULATING, t -> t[0].cumsum(dim), x));
                }
            }
            cases.add(new Case("cumsum of a long row", ACCUMULATING, t -> t[0].cumsum(1), randn(dtype, 3, 5000)));
            cases.add(new Case("cumsum of many rows", ACCUMULATING, t -> t[0].cumsum(0), randn(dtype, 10, 64)));
            cases.add(new Case("cumsum of 0-d", ACCUMULATING, t -> t[0].cumsum(0), scalar(dtype, 2.5)));
            cases.add(new Case("cumsum of an empty row", ACCUMULATING, t -> t[0].cumsum(1), randn(dtype, 3, 0)));
            cases.add(new Case("cumsum of special values", EXACT, t -> t[0].cumsum(0), special(dtype, 1, INF, -INF, 2, NAN, 3)));
        }
        // float32 rows are summed in double: 2^24 + 1 + 1 is 2^24 + 2, where a float sum would stay at 2^24.
        cases.add(new Case("cumsum of float32 past 2^24", EXACT, t -> t[0].cumsum(0), special(FLOAT32, 1 << 24, 1, 1, 1, 1)));
        cases.add(new Case("cumsum of int64 rows across tiles", EXACT, t -> t[0].cumsum(0), ints(INT64, -1000, 1000, 4, 300).t()));
        cases.add(new Case("cumsum of int64 wraps", EXACT, t -> t[0].cumsum(0),
                ParityInput.of(Tensor.of(1L << 62, 1L << 62, 1L << 62, 5L), "2^62")));
        cases.add(new Case("cumsum of bools", EXACT, t -> t[0].cumsum(1), bools(3, 7)));
        for (DType dtype : List.of(FLOAT32, FLOAT64)) {
            cases.add(new Case("sign", EXACT, t -> t[0].sign(), randn(dtype, 4, 3).t()));
            cases.add(new Case("sign of special values", EXACT, t -> t[0].sign(), special(dtype, -2, 0, -0.0, INF, -INF, NAN, 1e-30)));
        }
        cases.add(new Case("sign of int64", EXACT, t -> t[0].sign(), ints(INT64, -5, 5, 3, 4)));
        cases.add(new Case("relu of int64", EXACT, t -> t[0].relu(), ints(INT64, -5, 5, 4, 3).t()));
        cases.add(new Case("log1p of int64", ELEMENTWISE, t -> t[0].log1p(), ints(INT64, 0, 100, 3, 4)));
        cases.add(new Case("rsqrt of int64", ELEMENTWISE, t -> t[0].rsqrt(), ints(INT64, 1, 100, 3, 4)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernelCases")
    void newKernels(Case c) {
        assertSameResult(c.toString(), c.tolerance(), c.fn(), c.inputs());
    }

    // ================================================================ forward mode (jvp) on the device

    static Stream<Case> forwardModeCases() {
        ParityInput.reseed("forwardModeCases");
        ParityInput m = randn(FLOAT64, 3, 4);
        ParityInput row = randn(FLOAT64, 4);
        ParityInput positive = uniform(FLOAT64, 0.5, 2, 3, 4);
        return Stream.of(
                new Case("jvp of unary ops", ELEMENTWISE, t -> Autograd.jvp(in -> in[0].sin().exp().tanh().abs().erf(),
                        new Tensor[] {t[0]}, new Tensor[] {t[0].cos()})[1], m),
                new Case("jvp of broadcast binary ops", ELEMENTWISE, t -> Autograd.jvp(in -> in[0].mul(in[1]).div(in[1].exp())
                        .pow(in[0].abs().add(1)).maximum(in[1]), new Tensor[] {t[0], t[1]},
                        new Tensor[] {t[0].neg(), t[1].exp()})[1], positive, row),
                new Case("jvp of scalar ops, clamp, where, maskedFill", ELEMENTWISE, t -> Autograd.jvp(in -> Tensor.where(
                        in[0].gt(0), in[0].mul(3).sub(1).clamp(-0.5, 2), in[0].pow(2).maskedFill(in[0].lt(-1), 4)),
                        new Tensor[] {t[0]}, new Tensor[] {t[0].sin()})[1], m),
                new Case("jvp through copies to the CPU and back", ELEMENTWISE, t -> Autograd.jvp(
                        in -> in[0].to(Device.CPU).exp().to(t[0].device()).mul(in[0]), new Tensor[] {t[0]},
                        new Tensor[] {t[0].sin()})[1], m),
                new Case("jvp of in-place arithmetic", ELEMENTWISE, t -> Autograd.jvp(in -> in[0].mul(1).mul_(in[1]).add_(in[1])
                        .sub_(2), new Tensor[] {t[0], t[1]}, new Tensor[] {t[0].cos(), t[1].neg()})[1], m, row));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forwardModeCases")
    void forwardMode(Case c) {
        assertSameResult(c.toString(), c.tolerance(), c.fn(), c.inputs());
    }

    // ================================================================ every op, forward and backward

    static Stream<Case> opCases() {
        ParityInput.reseed("opCases");
        ParityInput m = randn(FLOAT64, 3, 4);
        ParityInput b = randn(FLOAT64, 2, 3, 4);
        ParityInput distinct = ParityInput.of(Tensor.arange(FLOAT64, 12).mul(0.37).sin().reshape(3, 4), "sin(0.37 i)");
        ParityInput rows = ParityInput.of(Tensor.of(new long[] {2, 0, 1, 2, 0, 0, 1, 2}).view(2, 4), "rows");
        return Stream.of(
                new Case("permute", ACCUMULATING, t -> t[0].permute(2, 0, 1).exp(), b),
                new Case("flatten", ACCUMULATING, t -> t[0].flatten().exp(), b.transpose(0, 2)),
                new Case("flatten(1, 2)", ACCUMULATING, t -> t[0].flatten(1, 2).exp(), b),
                new Case("stack", ACCUMULATING, t -> Tensor.stack(1, t[0], t[1]), m, m.t().t()),
                new Case("split", ACCUMULATING, t -> Tensor.cat(1, t[0].split(3, 1)[1], t[0].split(3, 1)[0].exp()), m),
                new Case("chunk", ACCUMULATING, t -> t[0].chunk(2, 0)[1].exp(), b.transpose(0, 1)),
                new Case("repeat", ACCUMULATING, t -> t[0].repeat(2, 1, 3), m),
                new Case("bmm", ACCUMULATING, t -> t[0].bmm(t[1]), b, randn(FLOAT64, 2, 4, 5)),
                new Case("bmm float32", ACCUMULATING, t -> t[0].bmm(t[1]), randn(FLOAT32, 3, 5, 2).transpose(1, 2),
                        randn(FLOAT32, 3, 5, 4)),
                new Case("cumsum", ACCUMULATING, t -> t[0].cumsum(1).mul(t[0]), m.t()),
                new Case("var", ACCUMULATING, t -> t[0].var(1, false), m),
                new Case("std", ACCUMULATING, t -> t[0].std(0, true), b),
                new Case("logsumexp", ACCUMULATING, t -> t[0].logsumexp(1, false), b),
                new Case("amax", ACCUMULATING, t -> t[0].amax(0, false), distinct),
                new Case("min", ACCUMULATING, t -> t[0].min(), distinct.t()),
                new Case("tril", ACCUMULATING, t -> t[0].tril(1), b),
                new Case("triu", ACCUMULATING, t -> t[0].triu(-1), m.t()),
                new Case("log1p", ACCUMULATING, t -> t[0].exp().log1p(), m),
                new Case("rsqrt", ACCUMULATING, t -> t[0].exp().rsqrt(), m.t()),
                new Case("scatterAdd", ACCUMULATING, t -> t[0].scatterAdd(0, t[1], t[2]), m, rows, randn(FLOAT64, 3, 5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("opCases")
    void forward(Case c) {
        assertSameResult(c.toString(), c.tolerance(), c.fn(), c.inputs());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("opCases")
    void backward(Case c) {
        assertSameGradients(c.toString(), c.tolerance(), c.fn(), c.inputs());
    }

    static Stream<Case> integerCases() {
        ParityInput.reseed("integerCases");
        ParityInput longs = ints(INT64, -(1L << 62), 1L << 62, 5, 6);
        return Stream.of(
                new Case("argmin", EXACT, t -> t[0].argmin(1), randn(FLOAT32, 5, 6)),
                new Case("argmin of int64 extremes", EXACT, t -> t[0].argmin(0),
                        ParityInput.of(Tensor.of(0L, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE), "extremes")),
                new Case("argmin with NaN", EXACT, t -> t[0].argmin(0), special(FLOAT64, 1, NAN, -3, NAN)),
                new Case("amax of int64", EXACT, t -> t[0].amax(1, true), longs),
                new Case("min of int64", EXACT, t -> t[0].min(), longs.t()),
                new Case("amax of bools", EXACT, t -> t[0].amax(0, false), bools(4, 3)),
                new Case("tril of bools", EXACT, t -> t[0].tril(0), bools(4, 3)),
                new Case("repeat of int64", EXACT, t -> t[0].repeat(2, 2), longs.narrow(1, 1, 3)),
                new Case("stack of bools", EXACT, t -> Tensor.stack(0, t[0], t[1]), bools(2, 3), bools(3, 2).t()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("integerCases")
    void integersAndSelections(Case c) {
        assertSameResult(c.toString(), c.tolerance(), c.fn(), c.inputs());
    }
}
