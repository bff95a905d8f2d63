package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.autograd.ForwardAD;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Forward mode (jvp rules) of the reductions, normalisations and scans: gradcheck with
 * {@code check_forward_ad} (float64, eps 1e-6, atol 1e-5, rtol 1e-3) over shapes, dimensions and
 * keepDim, in full mode (each input direction against finite differences) and in fast mode (a
 * random direction against finite differences and against the backward); forward-mode Jacobians
 * equal to reverse-mode ones to 1e-15 where ties make finite differences useless; and the
 * tangents differentiable in reverse mode.
 */
class ReductionJvpTest {
    private static final long[] SCALAR = {};
    private static final long[] ROW = {5};
    private static final long[] MATRIX = {3, 4};
    private static final long[] CUBE = {2, 3, 4};

    private record Case(String name, Gradcheck.Fn fn, long[] shape) {}

    private static Tensor input(long[] shape, long seed) {
        return GradcheckOpsTest.input(shape, seed);
    }

    private static Tensor leaf(double[] values, long... shape) {
        return Tensor.of(values).reshape(shape).requiresGrad(true);
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (long[] shape : List.of(SCALAR, ROW, MATRIX, CUBE)) {
            String s = java.util.Arrays.toString(shape);
            cases.add(new Case("sum " + s, t -> t[0].sum(), shape));
            cases.add(new Case("mean " + s, t -> t[0].mean(), shape));
            cases.add(new Case("max " + s, t -> t[0].max(), shape));
            cases.add(new Case("min " + s, t -> t[0].min(), shape));
            int rank = Math.max(shape.length, 1);
            for (int dim = -rank; dim < rank; dim++) {
                int d = dim;
                cases.add(new Case("softmax " + s + " dim " + d, t -> t[0].softmax(d), shape));
                cases.add(new Case("logSoftmax " + s + " dim " + d, t -> t[0].logSoftmax(d), shape));
                cases.add(new Case("cumsum " + s + " dim " + d, t -> t[0].cumsum(d), shape));
                for (boolean keep : new boolean[] {false, true}) {
                    String k = s + " dim " + d + (keep ? " keepDim" : "");
                    cases.add(new Case("sum " + k, t -> t[0].sum(d, keep), shape));
                    cases.add(new Case("mean " + k, t -> t[0].mean(d, keep), shape));
                    cases.add(new Case("amax " + k, t -> t[0].amax(d, keep), shape));
                    cases.add(new Case("logsumexp " + k, t -> t[0].logsumexp(d, keep), shape));
                    if (shape.length > 0) {
                        // One element has no unbiased variance (NaN), so finite differences say nothing there.
                        cases.add(new Case("var " + k, t -> t[0].var(d, keep), shape));
                        cases.add(new Case("std " + k, t -> t[0].std(d, keep), shape));
                    }
                }
            }
        }
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> jvpMatchesFiniteDifferencesInEveryDirection() {
        Gradcheck.Options full = Gradcheck.Options.defaults().withCheckForwardAD(true);
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(),
                () -> assertTrue(Gradcheck.check(c.fn(), full, input(c.shape(), c.name().hashCode())))));
    }

    @TestFactory
    Stream<DynamicTest> jvpMatchesTheBackwardInARandomDirection() {
        Gradcheck.Options fast = Gradcheck.Options.defaults().withCheckForwardAD(true).withFastMode(true);
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(),
                () -> assertTrue(Gradcheck.check(c.fn(), fast, input(c.shape(), c.name().hashCode() + 1)))));
    }

    /** Two tied extremes: the central difference gives each half, as the even share does. */
    @Test
    void twoTiedExtremesShareTheTangentEvenly() {
        Gradcheck.Options full = Gradcheck.Options.defaults().withCheckForwardAD(true);
        Tensor maxTie = leaf(new double[] {0.5, 2.0, -1.0, 2.0, 1.5, 0.25}, 2, 3);
        assertTrue(Gradcheck.check(t -> t[0].max(), full, maxTie));
        Tensor minTie = leaf(new double[] {-3.0, 2.0, -1.0, 2.0, -3.0, 0.25}, 2, 3);
        assertTrue(Gradcheck.check(t -> t[0].min(), full, minTie));
        // Each row of 3 along dim 1 has its own tie; every column along dim 0 too.
        Tensor rowTies = leaf(new double[] {1.0, 1.0, -2.0, 0.5, 3.0, 3.0}, 2, 3);
        for (boolean keep : new boolean[] {false, true}) {
            assertTrue(Gradcheck.check(t -> t[0].amax(1, keep), full, rowTies));
            assertTrue(Gradcheck.check(t -> t[0].amax(-2, keep), full, leaf(new double[] {1.0, -2.0, 1.0, 0.5}, 2, 2)));
        }
    }

    /**
     * Three or more tied extremes: finite differences give each a half, so the jvp (the mean of
     * the tied tangents) is checked against the backward (the gradient shared evenly), which is
     * PyTorch's rule for max(), min() and amax.
     */
    @Test
    void manyTiedExtremesGiveTheMeanOfTheirTangents() {
        Tensor x = Tensor.of(3.0, 1.0, 3.0, 3.0, -2.0, 3.0);
        Tensor[] r = Autograd.jvp(t -> t[0].max(), new Tensor[] {x}, new Tensor[] {Tensor.of(1.0, 50.0, 2.0, 4.0, 60.0, 9.0)});
        assertEquals((1.0 + 2.0 + 4.0 + 9.0) / 4, r[1].item(), 1e-15);
        Tensor y = Tensor.of(-1.0, 1.0, -1.0, 4.0);
        r = Autograd.jvp(t -> t[0].min(), new Tensor[] {y}, new Tensor[] {Tensor.of(3.0, 50.0, 6.0, 70.0)});
        assertEquals(4.5, r[1].item(), 1e-15);

        Tensor m = Tensor.of(new double[][] {{2, 2, 2, 0}, {1, 5, 5, -1}, {7, 7, 7, 7}});
        for (Gradcheck.Fn fn : List.<Gradcheck.Fn>of(t -> t[0].max(), t -> t[0].min(), t -> t[0].amax(1, false),
                t -> t[0].amax(0, true), t -> t[0].amax(-1, true))) {
            Tensor fwd = Autograd.jacobian(fn, Autograd.Strategy.FORWARD_MODE, m)[0];
            Tensor rev = Autograd.jacobian(fn, Autograd.Strategy.REVERSE_MODE, m)[0];
            assertArrayEquals(rev.shape(), fwd.shape());
            assertArrayEquals(rev.toDoubleArray(), fwd.toDoubleArray(), 1e-15);
        }
        // d amax(m, 1)[i] / d m[i, :], the Jacobian's entries [i, i, :] of shape [3, 3, 4].
        double[] rows = Autograd.jacobian(t -> t[0].amax(1, false), Autograd.Strategy.FORWARD_MODE, m)[0].toDoubleArray();
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0, 0}, java.util.Arrays.copyOfRange(rows, 0, 4), 1e-15);
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, java.util.Arrays.copyOfRange(rows, 32, 36), 1e-15);
    }

    @Test
    void forwardModeJacobiansEqualReverseMode() {
        Tensor x = input(CUBE, 17).detach();
        List<Gradcheck.Fn> fns = List.of(t -> t[0].sum(1, true), t -> t[0].mean(-1, false), t -> t[0].softmax(1),
                t -> t[0].logSoftmax(-1), t -> t[0].var(0, false), t -> t[0].std(2, true), t -> t[0].logsumexp(1, false),
                t -> t[0].cumsum(2), t -> t[0].amax(0, false));
        for (Gradcheck.Fn fn : fns) {
            Tensor fwd = Autograd.jacobian(fn, Autograd.Strategy.FORWARD_MODE, x)[0];
            Tensor rev = Autograd.jacobian(fn, Autograd.Strategy.REVERSE_MODE, x)[0];
            assertArrayEquals(rev.shape(), fwd.shape());
            assertArrayEquals(rev.toDoubleArray(), fwd.toDoubleArray(), 1e-14);
        }
    }

    /** A constant row has std 0: its tangent is 0, as its gradient is, rather than 0/0. */
    @Test
    void stdOfAConstantRowHasAZeroTangent() {
        Tensor x = Tensor.of(new double[][] {{2, 2, 2}, {1, 2, 4}});
        Tensor[] r = Autograd.jvp(t -> t[0].std(1, false), new Tensor[] {x},
                new Tensor[] {Tensor.of(new double[][] {{1, -1, 3}, {0.5, 0, 1}})});
        double std = Math.sqrt(7 / 3.0);
        // d std = sum((x - mean) t) / ((n - 1) std) with mean 7/3: (-4/3 * 0.5 + 5/3 * 1) / (2 std).
        assertArrayEquals(new double[] {0, (-4 / 3.0 * 0.5 + 5 / 3.0) / (2 * std)}, r[1].toDoubleArray(), 1e-15);
    }

    @Test
    void indicesCarryNoTangent() {
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor x = ForwardAD.makeDual(Tensor.of(new double[][] {{1, 4, 2}, {3, 0, 5}}), Tensor.ones(DType.FLOAT64, 2, 3));
            Tensor argmax = x.argmax(1);
            Tensor argmin = x.argmin(0);
            assertArrayEquals(new long[] {1, 2}, argmax.toLongArray());
            assertArrayEquals(new long[] {0, 1, 0}, argmin.toLongArray());
            assertNull(ForwardAD.tangent(argmax));
            assertNull(ForwardAD.tangent(argmin));
        }
    }

    /** The jvp rules are written with differentiable ops: the tangent's own gradient checks out. */
    @TestFactory
    Stream<DynamicTest> tangentsAreDifferentiableInReverseMode() {
        List<Case> cases = List.of(new Case("sum", t -> t[0].sum(0, false), MATRIX),
                new Case("mean", t -> t[0].mean(), MATRIX), new Case("max", t -> t[0].max(), MATRIX),
                new Case("amax", t -> t[0].amax(1, true), MATRIX), new Case("softmax", t -> t[0].softmax(1), MATRIX),
                new Case("logSoftmax", t -> t[0].logSoftmax(0), MATRIX), new Case("var", t -> t[0].var(1, false), MATRIX),
                new Case("std", t -> t[0].std(0, true), MATRIX), new Case("logsumexp", t -> t[0].logsumexp(1, false), MATRIX),
                new Case("cumsum", t -> t[0].cumsum(1), MATRIX));
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Gradcheck.Fn tangentOf = in -> {
                try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
                    return ForwardAD.tangent(c.fn().apply(new Tensor[] {ForwardAD.makeDual(in[0], in[1])}));
                }
            };
            assertTrue(Gradcheck.check(tangentOf, input(c.shape(), 3), input(c.shape(), 4)));
        }));
    }
}
