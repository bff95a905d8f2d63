package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * gradcheck and gradgradcheck (float64, eps 1e-6, atol 1e-5, rtol 1e-3) on every
 * differentiable op, with inputs kept away from kinks (|x| >= 0.1 where relu, abs, clamp
 * and maximum have corners) and positive where log, sqrt and pow need it.
 */
class GradcheckOpsTest {
    private record Case(String name, Gradcheck.Fn fn, long[]... shapes) {}

    /** A float64 leaf of values in ±[0.2, 1.2], seeded. */
    static Tensor input(long[] shape, long seed) {
        Nabla.manualSeed(seed);
        Tensor r = Tensor.rand(DType.FLOAT64, shape);
        // Values in ±[0.2, 1.2]: away from 0, where several ops have a kink.
        Tensor sign = Tensor.rand(DType.FLOAT64, shape).gt(0.5).to(DType.FLOAT64).mul(2).sub(1);
        return r.add(0.2).mul(sign).requiresGrad(true);
    }

    private static Tensor positive(Tensor t) {
        return t.abs().add(0.5);
    }

    private static List<Case> cases() {
        long[] m = {3, 4};
        long[] row = {4};
        long[] col = {3, 1};
        long[] k = {4, 2};
        long[] s = {};
        Tensor idx = Tensor.of(2L, 0L, 2L);
        Tensor gatherIdx = Tensor.of(new long[] {0, 2, 1, 0, 3, 3}).view(3, 2);
        Tensor mask = Tensor.of(true, false, false, true).view(4);
        return List.of(
            new Case("add", t -> t[0].add(t[1]), m, row),
            new Case("add scalar", t -> t[0].add(2.5), m),
            new Case("sub", t -> t[0].sub(t[1]), m, col),
            new Case("mul", t -> t[0].mul(t[1]), m, row),
            new Case("mul 0-dim", t -> t[0].mul(t[1]), m, s),
            new Case("div", t -> t[0].div(t[1]), m, row),
            new Case("pow scalar", t -> positive(t[0]).pow(2.5), m),
            new Case("pow tensor", t -> positive(t[0]).pow(t[1]), m, row),
            new Case("maximum", t -> t[0].maximum(t[1]), m, row),
            new Case("minimum", t -> t[0].minimum(t[1]), m, row),
            new Case("neg", t -> t[0].neg(), m),
            new Case("abs", t -> t[0].abs(), m),
            new Case("exp", t -> t[0].exp(), m),
            new Case("log", t -> positive(t[0]).log(), m),
            new Case("sqrt", t -> positive(t[0]).sqrt(), m),
            new Case("sin", t -> t[0].sin(), m),
            new Case("cos", t -> t[0].cos(), m),
            new Case("tanh", t -> t[0].tanh(), m),
            new Case("sigmoid", t -> t[0].sigmoid(), m),
            new Case("relu", t -> t[0].relu(), m),
            new Case("erf", t -> t[0].erf(), m),
            new Case("clamp", t -> t[0].clamp(-0.5, 0.5), m),
            new Case("clampMin", t -> t[0].clampMin(0.15), m),
            new Case("clampMax", t -> t[0].clampMax(-0.15), m),
            new Case("where", t -> Tensor.where(t[0].gt(0), t[0], t[1]), m, row),
            new Case("maskedFill", t -> t[0].maskedFill(mask, 3), m),
            new Case("sum", t -> t[0].sum(), m),
            new Case("sum dim", t -> t[0].sum(0, false), m),
            new Case("sum dim keep", t -> t[0].sum(-1, true), m),
            new Case("mean", t -> t[0].mean(), m),
            new Case("mean dim", t -> t[0].mean(1, false), m),
            new Case("max", t -> t[0].max(), m),
            new Case("softmax", t -> t[0].softmax(1), m),
            new Case("logSoftmax", t -> t[0].logSoftmax(0), m),
            // A middle dimension of a transposed view, and the last one: the fused backward's strided and contiguous rows.
            new Case("softmax of a view's middle dimension", t -> t[0].transpose(0, 2).softmax(1), new long[] {3, 2, 4}),
            new Case("logSoftmax of rows", t -> t[0].logSoftmax(-1), new long[] {2, 3, 4}),
            new Case("matmul 2d", t -> t[0].matmul(t[1]), m, k),
            new Case("matmul 1d.2d", t -> t[0].matmul(t[1]), row, k),
            new Case("matmul 2d.1d", t -> t[0].matmul(t[1]), m, row),
            new Case("matmul dot", t -> t[0].matmul(t[1]), row, row),
            new Case("matmul batched broadcast", t -> t[0].matmul(t[1]), new long[] {2, 3, 4}, k),
            new Case("mm", t -> t[0].mm(t[1]), m, k),
            new Case("t", t -> t[0].t().mul(t[0].t()), m),
            new Case("transpose", t -> t[0].transpose(0, 2).exp(), new long[] {2, 3, 2}),
            new Case("reshape", t -> t[0].t().reshape(2, 6).exp(), m),
            new Case("view", t -> t[0].view(-1).exp(), m),
            new Case("unsqueeze squeeze", t -> t[0].unsqueeze(1).exp().squeeze(1), m),
            new Case("expand", t -> t[0].expand(3, 3, 4).mul(t[0]), col),
            new Case("expandAs", t -> t[0].expandAs(t[1]).mul(t[1]), row, m),
            new Case("narrow", t -> t[0].narrow(1, 1, 2).exp(), m),
            new Case("cat", t -> Tensor.cat(0, t[0], t[1].exp()), m, m),
            new Case("indexSelect", t -> t[0].indexSelect(1, idx).exp(), m),
            new Case("gather", t -> t[0].gather(1, gatherIdx).exp(), m),
            new Case("clone contiguous", t -> t[0].t().contiguous().clone().mul(t[0].t()), m),
            new Case("to float32 and back", t -> t[0].to(DType.FLOAT32).to(DType.FLOAT64).mul(2), m));
    }

    private static Tensor[] inputs(Case c) {
        Tensor[] in = new Tensor[c.shapes.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = input(c.shapes[i], 17L * (i + 1) + c.name.hashCode());
        }
        return in;
    }

    @TestFactory
    Stream<DynamicTest> gradcheck() {
        return cases().stream().map(c -> DynamicTest.dynamicTest("gradcheck " + c.name, () -> {
            Gradcheck.Options opts = Gradcheck.Options.defaults();
            if (c.name.equals("to float32 and back")) {
                // The round trip through float32 loses digits beyond what eps = 1e-6 resolves.
                opts = opts.withEps(1e-3).withAtol(1e-3);
            }
            assertTrue(Gradcheck.check(c.fn, opts.withRaiseException(false), inputs(c)), c.name);
        }));
    }

    @TestFactory
    Stream<DynamicTest> gradgradcheck() {
        return cases().stream().filter(c -> !c.name.equals("to float32 and back"))
                .map(c -> DynamicTest.dynamicTest("gradgradcheck " + c.name,
                        () -> assertTrue(Gradcheck.gradgradcheck(c.fn, inputs(c)))));
    }
}
