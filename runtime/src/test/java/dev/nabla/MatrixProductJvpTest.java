package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.autograd.ForwardAD;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Forward mode (the product rule {@code dA B + A dB}) of {@code mm}, {@code bmm} and 2-D
 * {@code matmul}: gradcheck with {@code check_forward_ad} (float64, eps 1e-6, atol 1e-5, rtol
 * 1e-3) with both operands or only one moving, in full and fast mode; forward-mode Jacobians
 * equal to reverse-mode ones; and the tangent differentiable in reverse mode.
 */
class MatrixProductJvpTest {
    private record Case(String name, Gradcheck.Fn fn, long[] a, long[] b) {}

    private static Tensor input(long[] shape, long seed) {
        return GradcheckOpsTest.input(shape, seed);
    }

    private static List<Case> cases() {
        Gradcheck.Fn mm = t -> t[0].mm(t[1]);
        Gradcheck.Fn bmm = t -> t[0].bmm(t[1]);
        Gradcheck.Fn matmul = t -> t[0].matmul(t[1]);
        return List.of(new Case("mm 3x4 4x2", mm, new long[] {3, 4}, new long[] {4, 2}),
                new Case("mm 1x3 3x1", mm, new long[] {1, 3}, new long[] {3, 1}),
                new Case("mm 2x1 1x3", mm, new long[] {2, 1}, new long[] {1, 3}),
                new Case("bmm 2x3x4 2x4x2", bmm, new long[] {2, 3, 4}, new long[] {2, 4, 2}),
                new Case("bmm 1x2x2 1x2x3", bmm, new long[] {1, 2, 2}, new long[] {1, 2, 3}),
                new Case("matmul 3x4 4x2", matmul, new long[] {3, 4}, new long[] {4, 2}));
    }

    /** Each case with both operands moving, then only the first, then only the second (the other a constant). */
    private static Stream<DynamicTest> check(Gradcheck.Options options) {
        return cases().stream().flatMap(c -> Stream.of(
                DynamicTest.dynamicTest(c.name(), () -> assertTrue(Gradcheck.check(c.fn(), options,
                        input(c.a(), 1), input(c.b(), 2)))),
                DynamicTest.dynamicTest(c.name() + " first only", () -> assertTrue(Gradcheck.check(c.fn(), options,
                        input(c.a(), 3), input(c.b(), 4).detach()))),
                DynamicTest.dynamicTest(c.name() + " second only", () -> assertTrue(Gradcheck.check(c.fn(), options,
                        input(c.a(), 5).detach(), input(c.b(), 6))))));
    }

    @TestFactory
    Stream<DynamicTest> jvpMatchesFiniteDifferencesInEveryDirection() {
        return check(Gradcheck.Options.defaults().withCheckForwardAD(true));
    }

    @TestFactory
    Stream<DynamicTest> jvpMatchesTheBackwardInARandomDirection() {
        return check(Gradcheck.Options.defaults().withCheckForwardAD(true).withFastMode(true));
    }

    @Test
    void forwardModeJacobiansEqualReverseMode() {
        for (Case c : cases()) {
            Tensor a = input(c.a(), 7).detach();
            Tensor b = input(c.b(), 8).detach();
            Tensor[] fwd = Autograd.jacobian(c.fn(), Autograd.Strategy.FORWARD_MODE, a, b);
            Tensor[] rev = Autograd.jacobian(c.fn(), Autograd.Strategy.REVERSE_MODE, a, b);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(rev[i].shape(), fwd[i].shape(), c.name());
                assertArrayEquals(rev[i].toDoubleArray(), fwd[i].toDoubleArray(), 1e-15, c.name());
            }
        }
    }

    /** The tangent {@code dA B + A dB} is differentiable in all four of A, B, dA and dB. */
    @TestFactory
    Stream<DynamicTest> tangentsAreDifferentiableInReverseMode() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Gradcheck.Fn tangentOf = in -> {
                try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
                    Tensor a = ForwardAD.makeDual(in[0], in[2]);
                    Tensor b = ForwardAD.makeDual(in[1], in[3]);
                    return ForwardAD.tangent(c.fn().apply(new Tensor[] {a, b}));
                }
            };
            assertTrue(Gradcheck.check(tangentOf, input(c.a(), 9), input(c.b(), 10), input(c.a(), 11), input(c.b(), 12)));
        }));
    }
}
