package dev.nabla.backend.cuda;

import static dev.nabla.DType.FLOAT32;
import static dev.nabla.DType.FLOAT64;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.ACCUMULATING;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameOnBothDevices;
import static dev.nabla.backend.cuda.ParityAssertions.place;
import static dev.nabla.backend.cuda.ParityInput.ints;
import static dev.nabla.backend.cuda.ParityInput.randn;

import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Gradcheck;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward mode of the reductions, normalisations, scans and matrix products on CUDA against the
 * CPU: the output tangent of {@link Autograd#jvp} from the same inputs and tangents placed on
 * each device, within {@link ParityAssertions.Tolerance#ACCUMULATING} ({@code 1e-10} in float64,
 * {@code 1e-5} in float32, relative above 1 and absolute below). Inputs include transposed
 * operands, rows longer than a block and whole-number values for tied extremes. Skipped without
 * a usable CUDA backend.
 */
class ReductionJvpParityTest {
    @BeforeEach
    void requireCuda() {
        ParityAssertions.assumeCuda();
    }

    /** {@code fn}'s output tangent at {@code inputs} moving along {@code tangents}. */
    record Case(String name, Gradcheck.Fn fn, ParityInput[] inputs, ParityInput[] tangents) {
        @Override
        public String toString() {
            return name + " of " + java.util.Arrays.toString(inputs);
        }
    }

    /** A case of one input {@code x} of {@code shape} (after its views), with a standard normal tangent. */
    private static Case unary(String name, Gradcheck.Fn fn, ParityInput x, DType dtype, long... shape) {
        return new Case(name, fn, new ParityInput[] {x}, new ParityInput[] {randn(dtype, shape)});
    }

    static Stream<Case> cases() {
        ParityInput.reseed("ReductionJvpParityTest");
        List<Case> cases = new ArrayList<>();
        for (DType dtype : new DType[] {FLOAT64, FLOAT32}) {
            String d = " " + dtype.torchName();
            // A transposed [6, 4], whole numbers in [0, 3) in a [5, 4] (tied extremes), rows longer than a block.
            long[] mShape = {6, 4};
            long[] tiesShape = {5, 4};
            long[] longShape = {3, 1500};
            ParityInput m = randn(dtype, 4, 6).t();
            ParityInput ties = ints(dtype, 0, 3, tiesShape);
            ParityInput longRows = randn(dtype, longShape);
            cases.add(unary("sum" + d, t -> t[0].sum(), m, dtype, mShape));
            cases.add(unary("sum dim keepDim" + d, t -> t[0].sum(1, true), m, dtype, mShape));
            cases.add(unary("mean" + d, t -> t[0].mean(), longRows, dtype, longShape));
            cases.add(unary("mean dim" + d, t -> t[0].mean(0, false), m, dtype, mShape));
            cases.add(unary("max ties" + d, t -> t[0].max(), ties, dtype, tiesShape));
            cases.add(unary("min ties" + d, t -> t[0].min(), ties, dtype, tiesShape));
            cases.add(unary("amax ties" + d, t -> t[0].amax(1, false), ties, dtype, tiesShape));
            cases.add(unary("amax keepDim" + d, t -> t[0].amax(0, true), m, dtype, mShape));
            cases.add(unary("softmax" + d, t -> t[0].softmax(1), m, dtype, mShape));
            cases.add(unary("softmax long rows" + d, t -> t[0].softmax(-1), longRows, dtype, longShape));
            cases.add(unary("logSoftmax" + d, t -> t[0].logSoftmax(0), m, dtype, mShape));
            cases.add(unary("var" + d, t -> t[0].var(1, false), longRows, dtype, longShape));
            cases.add(unary("std" + d, t -> t[0].std(0, true), m, dtype, mShape));
            cases.add(unary("logsumexp" + d, t -> t[0].logsumexp(1, true), m, dtype, mShape));
            cases.add(unary("cumsum" + d, t -> t[0].cumsum(1), longRows, dtype, longShape));
            cases.add(unary("cumsum transposed" + d, t -> t[0].cumsum(0), m, dtype, mShape));
            cases.add(new Case("mm" + d, t -> t[0].mm(t[1]), new ParityInput[] {m, randn(dtype, 4, 5)},
                    new ParityInput[] {randn(dtype, mShape), randn(dtype, 4, 5)}));
            cases.add(new Case("bmm" + d, t -> t[0].bmm(t[1]),
                    new ParityInput[] {randn(dtype, 2, 3, 4), randn(dtype, 2, 5, 4).transpose(1, 2)},
                    new ParityInput[] {randn(dtype, 2, 3, 4), randn(dtype, 2, 4, 5)}));
            cases.add(new Case("matmul" + d, t -> t[0].matmul(t[1]),
                    new ParityInput[] {randn(dtype, 3, 7), randn(dtype, 7, 2)},
                    new ParityInput[] {randn(dtype, 3, 7), randn(dtype, 7, 2)}));
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void tangentOnCudaMatchesTheCpu(Case c) {
        assertSameOnBothDevices(c.toString(), ACCUMULATING,
                device -> Autograd.jvp(c.fn(), place(device, c.inputs()), place(device, c.tangents()))[1]);
    }
}
