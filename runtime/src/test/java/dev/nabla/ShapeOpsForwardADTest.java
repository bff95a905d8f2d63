package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.autograd.ForwardAD;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Forward mode through the ops that move elements without arithmetic: views, copies, joining,
 * splitting, indexing, repeating and triangles.
 *
 * <p>Each case runs gradcheck with {@code check_forward_ad} (float64, Gradcheck's defaults: eps
 * 1e-6, atol 1e-5, rtol 1e-3): the jvp of every input direction against finite differences, on
 * contiguous inputs and on transposed (non-contiguous) leaves, in several ranks. Each case's
 * function uses these ops only, so that every op on the path has its own rule. Then the
 * tangents themselves: a view's tangent is the same view of the input's tangent (sharing its
 * memory), a non-contiguous or expanded tangent goes through views and reshapes with its own
 * layout, integer outputs carry none, and a composite's forward-mode products agree with its
 * backward ({@code <v, J u> = <J^T v, u>}) and its Jacobian with the reverse-mode one.
 */
class ShapeOpsForwardADTest {
    private record Case(String name, Gradcheck.Fn fn, Tensor... inputs) {}

    private static final Gradcheck.Options FORWARD = Gradcheck.Options.defaults().withCheckForwardAD(true);

    private static long seed = 1;

    /** A float64 leaf of {@code shape} that requires grad, values in ±[0.2, 1.2]. */
    private static Tensor in(long... shape) {
        return GradcheckOpsTest.input(shape, seed++);
    }

    /** A non-contiguous float64 leaf of {@code shape}: the transpose of its last two dimensions' storage. */
    private static Tensor transposed(long... shape) {
        long[] stored = shape.clone();
        int n = shape.length;
        stored[n - 1] = shape[n - 2];
        stored[n - 2] = shape[n - 1];
        Tensor t = in(stored).detach().transpose(-1, -2).requiresGrad(true);
        assertFalse(t.isContiguous());
        return t;
    }

    private static Tensor ints(long[] values, long... shape) {
        return Tensor.of(values).view(shape);
    }

    private static List<Case> cases() {
        Tensor rows = ints(new long[] {2, 0, 2, 1, 0}, 5);
        Tensor gatherRows = ints(new long[] {0, 2, 1, 0, 3, 3}, 3, 2);
        Tensor gather3d = ints(new long[] {1, 0, 0, 1, 1, 1, 0, 0}, 2, 2, 2);
        Tensor scatterRows = ints(new long[] {2, 0, 1, 2, 0, 0, 1, 2}, 2, 4);
        Tensor scatterCols = ints(new long[] {3, 0, 3, 1}, 4, 1);
        Tensor constant = Tensor.of(new double[] {0.5, -1, 2, 0.25}).view(1, 4);
        return List.of(
            new Case("t", t -> t[0].t(), in(3, 4)),
            new Case("t of a transposed leaf", t -> t[0].t(), transposed(3, 4)),
            new Case("transpose of 3-D", t -> t[0].transpose(0, 2), in(2, 3, 4)),
            new Case("view", t -> t[0].view(4, 3), in(3, 4)),
            new Case("view -1 of 3-D", t -> t[0].view(-1), in(2, 3, 4)),
            new Case("reshape as a view", t -> t[0].reshape(6, 4), in(2, 3, 4)),
            new Case("reshape that copies a transposed leaf", t -> t[0].reshape(12), transposed(3, 4)),
            new Case("reshape 0-d", t -> t[0].reshape(1, 1), in()),
            new Case("unsqueeze", t -> t[0].unsqueeze(1), in(3, 4)),
            new Case("unsqueeze last of a transposed leaf", t -> t[0].unsqueeze(-1), transposed(2, 3, 4)),
            new Case("squeeze", t -> t[0].squeeze(1), in(3, 1, 4)),
            new Case("squeeze 0-d", t -> t[0].squeeze(0), in()),
            new Case("expand", t -> t[0].expand(2, 3, 4), in(3, 1)),
            new Case("expandAs", t -> t[0].expandAs(t[1]), in(4), in(3, 4)),
            new Case("narrow", t -> t[0].narrow(1, 1, 2), in(3, 4)),
            new Case("narrow of a transposed leaf", t -> t[0].narrow(0, 2, 2), transposed(4, 3)),
            new Case("narrow of 3-D", t -> t[0].narrow(-1, 0, 3), in(2, 3, 4)),
            new Case("permute", t -> t[0].permute(2, 0, 1), in(2, 3, 4)),
            new Case("permute with negative dims of a transposed leaf", t -> t[0].permute(-1, 0, 1), transposed(2, 3, 4)),
            new Case("flatten", t -> t[0].flatten(), in(2, 3, 4)),
            new Case("flatten range of a transposed leaf", t -> t[0].flatten(1, 2), transposed(2, 3, 4)),
            new Case("contiguous of a transposed leaf", t -> t[0].contiguous(), transposed(3, 4)),
            new Case("clone", t -> t[0].clone(), in(2, 3)),
            new Case("cat", t -> Tensor.cat(1, t[0], t[1]), in(3, 2), in(3, 4)),
            new Case("cat of 3-D with a transposed leaf", t -> Tensor.cat(0, t[0], t[1], t[0]), in(1, 3, 2),
                    transposed(2, 3, 2)),
            new Case("cat with a constant", t -> Tensor.cat(0, constant, t[0], constant), in(2, 4)),
            new Case("stack", t -> Tensor.stack(1, t[0], t[1], t[0]), in(3, 4), transposed(3, 4)),
            new Case("stack with a constant", t -> Tensor.stack(-1, t[0], constant.view(4)), in(4)),
            new Case("stack 0-d", t -> Tensor.stack(0, t[0], t[1]), in(), in()),
            new Case("split", t -> Tensor.cat(1, t[0].split(3, 1)[1], t[0].split(3, 1)[0]), in(3, 5)),
            new Case("chunk of a transposed leaf", t -> Tensor.cat(0, t[0].chunk(2, 0)[1], t[0].chunk(2, 0)[0]),
                    transposed(4, 3)),
            new Case("indexSelect", t -> t[0].indexSelect(0, rows), in(3, 4)),
            new Case("indexSelect dim 1 of a transposed leaf", t -> t[0].indexSelect(1, rows), transposed(2, 3)),
            new Case("indexSelect 0-d", t -> t[0].indexSelect(0, Tensor.scalar(DType.INT64, 0)), in()),
            new Case("gather", t -> t[0].gather(1, gatherRows), in(3, 4)),
            new Case("gather of 3-D", t -> t[0].gather(2, gather3d), transposed(2, 3, 2)),
            new Case("indexAdd", t -> Indexing.indexAdd(t[0], 0, rows, t[1]), in(3, 4), in(5, 4)),
            new Case("indexAdd of transposed leaves", t -> Indexing.indexAdd(t[0], 1, rows, t[1]), transposed(2, 3),
                    transposed(2, 5)),
            new Case("scatterAdd", t -> t[0].scatterAdd(0, scatterRows, t[1]), in(3, 4), in(2, 4)),
            new Case("scatterAdd from a larger src", t -> t[0].scatterAdd(1, scatterCols, t[1]), in(4, 4),
                    transposed(5, 3)),
            new Case("scatterAdd 0-d", t -> t[0].scatterAdd(0, Tensor.scalar(DType.INT64, 0), t[1]), in(), in()),
            new Case("repeat", t -> t[0].repeat(2, 1, 3), in(3, 4)),
            new Case("repeat of a transposed leaf", t -> t[0].repeat(2, 2), transposed(2, 3)),
            new Case("repeat of 3-D", t -> t[0].repeat(1, 2, 1), in(2, 1, 3)),
            new Case("tril", t -> t[0].tril(0), in(3, 4)),
            new Case("tril of a transposed batch", t -> t[0].tril(-1), transposed(2, 3, 4)),
            new Case("triu", t -> t[0].triu(1), in(4, 3)));
    }

    @TestFactory
    Stream<DynamicTest> forwardGradcheck() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name,
                () -> assertTrue(Gradcheck.check(c.fn, FORWARD, c.inputs), c.name)));
    }

    @TestFactory
    Stream<DynamicTest> forwardGradcheckFastMode() {
        // Fast mode also checks <v, J u> from the jvp against <J^T v, u> from the backward.
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name,
                () -> assertTrue(Gradcheck.check(c.fn, FORWARD.withFastMode(true), c.inputs), c.name)));
    }

    // ---------------------------------------------------------------- the tangents themselves

    private static Tensor randn(long... shape) {
        return Tensor.randn(DType.FLOAT64, shape);
    }

    @Test
    void aViewOfADualTensorCarriesTheSameViewOfItsTangent() {
        Nabla.manualSeed(7);
        Tensor primal = randn(2, 3, 4);
        Tensor tangent = randn(2, 3, 4);
        List<UnaryOperator<Tensor>> views = List.of(
                x -> x.transpose(0, 2),
                x -> x.permute(1, 2, 0),
                x -> x.view(6, 4),
                x -> x.narrow(1, 1, 2),
                x -> x.unsqueeze(1),
                x -> x.narrow(0, 1, 1).squeeze(0),
                x -> x.unsqueeze(0).expand(5, 2, 3, 4),
                x -> x.split(2, 2)[1],
                x -> x.chunk(3, 1)[2],
                x -> x.flatten(0, 1));
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor x = ForwardAD.makeDual(primal, tangent);
            for (UnaryOperator<Tensor> view : views) {
                Tensor t = ForwardAD.tangent(view.apply(x));
                assertNotNull(t);
                assertArrayEquals(view.apply(tangent).toDoubleArray(), t.toDoubleArray(), 0);
            }
            // The tangent of a view is a view of the tangent: writing the tangent shows through it.
            Tensor t = ForwardAD.tangent(x.transpose(0, 2));
            tangent.narrow(0, 0, 1).fill_(7);
            assertArrayEquals(tangent.transpose(0, 2).toDoubleArray(), t.toDoubleArray(), 0);
            assertEquals(7, t.narrow(2, 0, 1).toDoubleArray()[0]);
        }
    }

    @Test
    void nonContiguousAndExpandedTangentsKeepTheirOwnLayout() {
        Nabla.manualSeed(8);
        Tensor primal = randn(3, 4);
        Tensor[] tangents = {randn(4, 3).t(), randn(1, 4).expand(3, 4), randn(3, 8).narrow(1, 2, 4)};
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            for (Tensor tangent : tangents) {
                assertFalse(tangent.isContiguous());
                Tensor x = ForwardAD.makeDual(primal, tangent);
                // The primal is contiguous, so view works on it; the tangent cannot be viewed so and is reshaped.
                assertArrayEquals(tangent.reshape(12).toDoubleArray(), ForwardAD.tangent(x.view(12)).toDoubleArray(), 0);
                assertArrayEquals(tangent.reshape(2, 6).toDoubleArray(),
                        ForwardAD.tangent(x.view(2, 6)).toDoubleArray(), 0);
                assertArrayEquals(tangent.t().toDoubleArray(), ForwardAD.tangent(x.t()).toDoubleArray(), 0);
                assertArrayEquals(tangent.toDoubleArray(), ForwardAD.tangent(x.clone()).toDoubleArray(), 0);
                assertArrayEquals(Tensor.cat(0, tangent, tangent).toDoubleArray(),
                        ForwardAD.tangent(Tensor.cat(0, x, x)).toDoubleArray(), 0);
            }
        }
    }

    @Test
    void inputsWithoutATangentContributeZeros() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4}).view(2, 2);
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor x = ForwardAD.makeDual(a, Tensor.of(new double[] {1, -1, 2, -2}).view(2, 2));
            assertArrayEquals(new double[] {0, 0, 0, 0, 1, -1, 2, -2},
                    ForwardAD.tangent(Tensor.cat(0, a, x)).toDoubleArray(), 0);
            assertArrayEquals(new double[] {1, -1, 0, 0, 2, -2, 0, 0},
                    ForwardAD.tangent(Tensor.stack(1, x, a)).toDoubleArray(), 0);
            // An int64 input is promoted by cat; it has no tangent, so its part is zero.
            Tensor joined = Tensor.cat(0, x, Tensor.of(new long[] {5, 6}).view(1, 2));
            assertEquals(DType.FLOAT64, joined.dtype());
            assertArrayEquals(new double[] {1, -1, 2, -2, 0, 0}, ForwardAD.tangent(joined).toDoubleArray(), 0);
            // indexAdd and scatterAdd with a tangent on one operand only.
            Tensor idx = Tensor.of(1L, 1L);
            assertArrayEquals(new double[] {1, -1, 2, -2},
                    ForwardAD.tangent(Indexing.indexAdd(x, 0, idx, a)).toDoubleArray(), 0);
            assertArrayEquals(new double[] {0, 0, 3, -3},
                    ForwardAD.tangent(Indexing.indexAdd(a, 0, idx, x)).toDoubleArray(), 0);
            Tensor rows = Tensor.of(new long[] {0, 0, 0, 1}).view(2, 2);
            assertArrayEquals(new double[] {3, -1, 0, -2}, ForwardAD.tangent(a.scatterAdd(0, rows, x)).toDoubleArray(), 0);
        }
    }

    @Test
    void integerOutputsCarryNoTangentAndConversionsConvertIt() {
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor x = ForwardAD.makeDual(Tensor.of(new double[] {1.5, -2.5}), Tensor.of(new double[] {0.25, 4}));
            assertNull(ForwardAD.tangent(x.to(DType.INT64)));
            assertNull(ForwardAD.tangent(x.to(DType.INT64).view(2, 1)));
            Tensor single = x.to(DType.FLOAT32);
            assertEquals(DType.FLOAT32, ForwardAD.tangent(single).dtype());
            assertArrayEquals(new double[] {0.25, 4}, ForwardAD.tangent(single).toDoubleArray(), 0);
        }
    }

    @Test
    void forwardModeAlsoBuildsTheBackwardGraphWhenGradIsOn() {
        Tensor leaf = Tensor.of(new double[] {1, 2, 3}).requiresGrad(true);
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor x = ForwardAD.makeDual(leaf, Tensor.of(new double[] {1, 0, -1}));
            Tensor y = Tensor.stack(0, x, x.narrow(0, 1, 2).repeat(2).narrow(0, 0, 3));
            assertEquals("StackBackward0", y.gradFn().name());
            assertArrayEquals(new double[] {1, 0, -1, 0, -1, 0}, ForwardAD.tangent(y).toDoubleArray(), 0);
            Tensor g = Autograd.grad(new Tensor[] {y}, new Tensor[] {leaf}, new Tensor[] {Tensor.onesLike(y)}, false,
                    false)[0];
            assertArrayEquals(new double[] {1, 3, 2}, g.toDoubleArray(), 0);
        }
    }

    // ---------------------------------------------------------------- a composite, forward against backward

    /** cat, transpose, narrow, indexSelect, repeat, tril, gather, scatterAdd, permute, reshape, unsqueeze, expand, stack. */
    private static Tensor composite(Tensor[] in) {
        Tensor a = in[0];
        Tensor b = in[1];
        Tensor c = Tensor.cat(0, a.t().narrow(1, 0, 2), b);
        Tensor r = c.indexSelect(0, Tensor.of(7L, 0L, 3L, 3L, 5L)).repeat(1, 2).tril(1);
        Tensor g = r.gather(1, Tensor.of(new long[] {0, 1, 3, 2, 2, 0, 1, 1, 3, 3, 0, 2, 1, 0, 0}).view(5, 3));
        Tensor s = a.scatterAdd(0, Tensor.of(new long[] {2, 0, 1, 1, 2, 0, 0, 0, 2, 1, 1, 2, 0, 2, 1}).view(5, 3), g);
        Tensor p = s.permute(1, 0).reshape(2, 6).unsqueeze(0).expand(2, 2, 6);
        return Tensor.stack(1, p, p.transpose(1, 2).reshape(2, 2, 6).triu(0));
    }

    @Test
    void compositeJvpAgreesWithItsVjp() {
        Nabla.manualSeed(11);
        Tensor[] x = {randn(3, 4), randn(4, 2)};
        Tensor[] u = {randn(3, 4), randn(4, 2).t().contiguous().t()};
        Tensor[] ju = Autograd.jvp(ShapeOpsForwardADTest::composite, x, u);
        assertArrayEquals(new long[] {2, 2, 2, 6}, ju[1].shape());
        Tensor v = randn(2, 2, 2, 6);
        Tensor[] vj = Autograd.vjp(ShapeOpsForwardADTest::composite, x, v);
        assertArrayEquals(vj[0].toDoubleArray(), ju[0].toDoubleArray(), 0);
        double forward = dot(v, ju[1]);
        double backward = dot(vj[1], u[0]) + dot(vj[2], u[1]);
        assertEquals(backward, forward, 1e-12 * (1 + Math.abs(backward)));
        assertTrue(Math.abs(forward) > 1e-3, "a zero product would not test anything: " + forward);
    }

    @Test
    void compositeForwardModeJacobianEqualsReverseMode() {
        Nabla.manualSeed(12);
        Tensor[] x = {randn(3, 4), randn(4, 2)};
        Tensor[] forward = Autograd.jacobian(ShapeOpsForwardADTest::composite, Autograd.Strategy.FORWARD_MODE, x);
        Tensor[] reverse = Autograd.jacobian(ShapeOpsForwardADTest::composite, Autograd.Strategy.REVERSE_MODE, x);
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(reverse[i].shape(), forward[i].shape());
            assertArrayEquals(reverse[i].toDoubleArray(), forward[i].toDoubleArray(), 1e-15);
        }
    }

    private static double dot(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        assertEquals(x.length, y.length);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
