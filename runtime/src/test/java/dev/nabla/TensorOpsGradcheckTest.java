package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * gradcheck and gradgradcheck (float64, Gradcheck's defaults: eps 1e-6, atol 1e-5, rtol 1e-3)
 * on every differentiable tensor op of the second stage, on plain, transposed and expanded
 * inputs. Inputs lie in ±[0.2, 1.2] with distinct values, so that the maxima and minima that
 * amax and min pick are unique (their gradient is not differentiable at a tie); log1p and
 * rsqrt get positive inputs. Ops with several results are checked through all of them joined.
 */
class TensorOpsGradcheckTest {
    private record Case(String name, Gradcheck.Fn fn, long[]... shapes) {}

    private static Tensor positive(Tensor t) {
        return t.abs().add(0.5);
    }

    private static List<Case> cases() {
        long[] m = {3, 4};
        long[] b = {2, 3, 4};
        long[] s = {};
        Tensor rows = Tensor.of(new long[] {2, 0, 1, 2, 0, 0, 1, 2}).view(2, 4);
        Tensor cols = Tensor.of(new long[] {3, 0, 3, 1}).view(4, 1);
        return List.of(
            new Case("permute", t -> t[0].permute(2, 0, 1).mul(t[0].permute(2, 0, 1)), b),
            new Case("permute transposed", t -> t[0].transpose(0, 1).permute(1, 0).exp(), m),
            new Case("flatten", t -> t[0].flatten().exp(), b),
            new Case("flatten range of a transposed input", t -> t[0].transpose(0, 2).flatten(0, 1).exp(), b),
            new Case("stack", t -> Tensor.stack(1, t[0], t[1].exp(), t[0]), m, m),
            new Case("stack 0-d", t -> Tensor.stack(0, t[0], t[1]).exp(), s, s),
            new Case("split", t -> Tensor.cat(1, t[0].split(3, 1)[1].exp(), t[0].split(3, 1)[0]), new long[] {3, 5}),
            new Case("chunk", t -> Tensor.cat(0, t[0].chunk(2, 0)[1], t[0].chunk(2, 0)[0].mul(2)), new long[] {4, 3}),
            new Case("repeat", t -> t[0].repeat(2, 1, 3).mul(t[0].repeat(2, 1, 3)), m),
            new Case("repeat expanded", t -> t[0].expand(3, 4).repeat(1, 2).exp(), new long[] {3, 1}),
            new Case("bmm", t -> t[0].bmm(t[1]), b, new long[] {2, 4, 3}),
            new Case("bmm transposed", t -> t[0].transpose(1, 2).bmm(t[1]), new long[] {2, 4, 3}, new long[] {2, 4, 2}),
            new Case("cumsum", t -> t[0].cumsum(1).mul(t[0]), m),
            new Case("cumsum dim 0 of 3-D", t -> t[0].cumsum(0).exp(), b),
            new Case("cumsum 0-d", t -> t[0].cumsum(0).exp(), s),
            new Case("var", t -> t[0].var(1, false), m),
            new Case("var keepDim of 3-D", t -> t[0].var(-2, true), b),
            new Case("std", t -> t[0].std(0, false), m),
            new Case("std keepDim", t -> t[0].std(1, true).mul(t[0]), m),
            new Case("logsumexp", t -> t[0].logsumexp(1, false), m),
            new Case("logsumexp keepDim of 3-D", t -> t[0].logsumexp(0, true).mul(t[0]), b),
            new Case("amax", t -> t[0].amax(1, false).mul(t[0].amax(1, false)), m),
            new Case("amax keepDim", t -> t[0].amax(0, true).mul(t[0]), m),
            new Case("min", t -> t[0].min().mul(t[0]), m),
            new Case("tril", t -> t[0].tril(0).mul(t[0]), m),
            new Case("tril of a batch", t -> t[0].tril(-1).exp(), b),
            new Case("triu", t -> t[0].triu(1).mul(t[0]), m),
            new Case("log1p", t -> positive(t[0]).log1p(), m),
            new Case("rsqrt", t -> positive(t[0]).rsqrt(), m),
            new Case("scatterAdd", t -> t[0].scatterAdd(0, rows, t[1]).mul(t[0]), m, new long[] {2, 4}),
            new Case("scatterAdd from a larger src", t -> t[0].scatterAdd(1, cols, t[1]).exp(), new long[] {4, 4}, new long[] {5, 3}),
            new Case("scatterAdd 0-d", t -> t[0].scatterAdd(0, Tensor.scalar(DType.INT64, 0), t[1]).mul(t[1]), s, s));
    }

    private static Tensor[] inputs(Case c) {
        Tensor[] in = new Tensor[c.shapes.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = GradcheckOpsTest.input(c.shapes[i], 31L * (i + 1) + c.name.hashCode());
        }
        return in;
    }

    @TestFactory
    Stream<DynamicTest> gradcheck() {
        return cases().stream().map(c -> DynamicTest.dynamicTest("gradcheck " + c.name,
                () -> assertTrue(Gradcheck.check(c.fn, inputs(c)), c.name)));
    }

    @TestFactory
    Stream<DynamicTest> gradgradcheck() {
        return cases().stream().map(c -> DynamicTest.dynamicTest("gradgradcheck " + c.name,
                () -> assertTrue(Gradcheck.gradgradcheck(c.fn, inputs(c)), c.name)));
    }
}
