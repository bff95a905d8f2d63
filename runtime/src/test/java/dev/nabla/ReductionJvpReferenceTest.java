package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.autograd.ForwardAD;
import dev.nabla.nn.TestData;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The forward-mode values of the reductions, normalisations, scans and matrix products against
 * PyTorch's {@code forward_ad} ({@code forward/reduction_jvp.json}, written by
 * {@code forward/make_reduction_jvp.py}, whose docstring defines the format): each case's op on
 * dual inputs must give torch's value and tangent within {@code 1e-12} absolute plus
 * {@code 1e-12} relative (float64).
 */
class ReductionJvpReferenceTest {
    private static final double TOL = 1e-12;

    /** How a case's inputs and arguments become a call of Nabla's public API. */
    @FunctionalInterface
    private interface Op {
        Tensor apply(List<Tensor> in, JsonNode args);
    }

    private static int dim(JsonNode args) {
        return args.get("dim").asInt();
    }

    private static boolean keepDim(JsonNode args) {
        return args.get("keepdim").asBoolean();
    }

    private static final Map<String, Op> OPS = Map.ofEntries(
            Map.entry("sum", (in, a) -> in.get(0).sum()),
            Map.entry("sum_dim", (in, a) -> in.get(0).sum(dim(a), keepDim(a))),
            Map.entry("mean", (in, a) -> in.get(0).mean()),
            Map.entry("mean_dim", (in, a) -> in.get(0).mean(dim(a), keepDim(a))),
            Map.entry("max", (in, a) -> in.get(0).max()),
            Map.entry("min", (in, a) -> in.get(0).min()),
            Map.entry("amax", (in, a) -> in.get(0).amax(dim(a), keepDim(a))),
            Map.entry("softmax", (in, a) -> in.get(0).softmax(dim(a))),
            Map.entry("log_softmax", (in, a) -> in.get(0).logSoftmax(dim(a))),
            Map.entry("var", (in, a) -> in.get(0).var(dim(a), keepDim(a))),
            Map.entry("std", (in, a) -> in.get(0).std(dim(a), keepDim(a))),
            Map.entry("logsumexp", (in, a) -> in.get(0).logsumexp(dim(a), keepDim(a))),
            Map.entry("cumsum", (in, a) -> in.get(0).cumsum(dim(a))),
            Map.entry("mm", (in, a) -> in.get(0).mm(in.get(1))),
            Map.entry("bmm", (in, a) -> in.get(0).bmm(in.get(1))),
            Map.entry("matmul", (in, a) -> in.get(0).matmul(in.get(1))));

    private static void assertClose(String what, JsonNode expected, Tensor actual) {
        assertArrayEquals(TestData.shape(expected), actual.shape(), what + " shape");
        double[] want = TestData.values(expected);
        double[] got = actual.toDoubleArray();
        for (int i = 0; i < want.length; i++) {
            double tol = TOL + TOL * Math.abs(want[i]);
            assertTrue(Math.abs(got[i] - want[i]) <= tol, what + " element " + i + ": torch " + want[i] + ", nabla " + got[i]);
        }
    }

    @TestFactory
    Stream<DynamicTest> jvpMatchesPyTorchForwardAD() {
        JsonNode root = TestData.load("/forward/reduction_jvp.json");
        return StreamSupport.stream(root.get("cases").spliterator(), false).map(c -> DynamicTest.dynamicTest(
                c.get("name").asText(), () -> {
                    Op op = OPS.get(c.get("op").asText());
                    assertTrue(op != null, "unknown op " + c.get("op").asText());
                    try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
                        Tensor[] in = new Tensor[c.get("inputs").size()];
                        for (int i = 0; i < in.length; i++) {
                            Tensor x = TestData.float64(c.get("inputs").get(i));
                            JsonNode t = c.get("tangents").get(i);
                            in[i] = t.isNull() ? x : ForwardAD.makeDual(x, TestData.float64(t));
                        }
                        Tensor out = op.apply(List.of(in), c.get("args"));
                        assertEquals(DType.FLOAT64, out.dtype());
                        assertClose("value", c.get("output"), out);
                        Tensor tangent = ForwardAD.tangent(out);
                        assertClose("tangent", c.get("tangent"), tangent == null ? Tensor.zerosLike(out) : tangent);
                    }
                }));
    }
}
