package dev.nabla;

import static dev.nabla.OpReferenceTest.ints;
import static dev.nabla.OpReferenceTest.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.autograd.ForwardAD;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Forward-mode products of the ops that move elements without arithmetic against PyTorch's
 * {@code torch.autograd.forward_ad}, computed once ({@code reference/shape_ops_jvp.json}, written by
 * {@code reference/make_shape_ops_jvp.py}, whose docstring defines the format). Each case makes its
 * inputs dual (those torch held constant stay plain), runs the op once under a level, and compares
 * the value and the tangent (shape, and values within {@code 1e-12}: float64, and the ops only
 * move or add a few elements).
 */
class ShapeOpsJvpReferenceTest {
    /** How a case's operands and arguments become a call of Nabla's API. */
    @FunctionalInterface
    private interface Op {
        Tensor apply(Tensor[] in, JsonNode args);
    }

    private static final JsonNode ROOT = OpReferenceTest.load("/reference/shape_ops_jvp.json");
    private static final Map<String, Op> OPS = ops();

    private static int dim(JsonNode args) {
        return args.get("dim").asInt();
    }

    private static Tensor index(JsonNode args) {
        JsonNode e = args.get("index");
        return Tensor.of(longs(e.get("values"))).reshape(longs(e.get("shape")));
    }

    private static Map<String, Op> ops() {
        Map<String, Op> m = new TreeMap<>();
        m.put("t", (x, a) -> x[0].t());
        m.put("transpose", (x, a) -> x[0].transpose(a.get("dim0").asInt(), a.get("dim1").asInt()));
        m.put("view", (x, a) -> x[0].view(longs(a.get("shape"))));
        m.put("reshape", (x, a) -> x[0].reshape(longs(a.get("shape"))));
        m.put("unsqueeze", (x, a) -> x[0].unsqueeze(dim(a)));
        m.put("squeeze", (x, a) -> x[0].squeeze(dim(a)));
        m.put("expand", (x, a) -> x[0].expand(longs(a.get("shape"))));
        m.put("narrow", (x, a) -> x[0].narrow(dim(a), a.get("start").asLong(), a.get("length").asLong()));
        m.put("permute", (x, a) -> x[0].permute(ints(a.get("dims"))));
        m.put("flatten", (x, a) -> x[0].flatten(a.get("start").asInt(), a.get("end").asInt()));
        m.put("contiguous", (x, a) -> x[0].contiguous());
        m.put("clone", (x, a) -> x[0].clone());
        m.put("cat", (x, a) -> Tensor.cat(dim(a), x));
        m.put("stack", (x, a) -> Tensor.stack(dim(a), x));
        m.put("split", (x, a) -> x[0].split(a.get("size").asLong(), dim(a))[a.get("piece").asInt()]);
        m.put("chunk", (x, a) -> x[0].chunk(a.get("n").asInt(), dim(a))[a.get("piece").asInt()]);
        m.put("indexSelect", (x, a) -> x[0].indexSelect(dim(a), index(a)));
        m.put("gather", (x, a) -> x[0].gather(dim(a), index(a)));
        // indexAdd is internal (the derivative of indexSelect), so it is called directly.
        m.put("indexAdd", (x, a) -> Indexing.indexAdd(x[0], dim(a), index(a), x[1]));
        m.put("scatterAdd", (x, a) -> x[0].scatterAdd(dim(a), index(a), x[1]));
        m.put("repeat", (x, a) -> x[0].repeat(longs(a.get("repeats"))));
        m.put("tril", (x, a) -> x[0].tril(a.get("diagonal").asLong()));
        m.put("triu", (x, a) -> x[0].triu(a.get("diagonal").asLong()));
        return m;
    }

    /** A float64 tensor from its encoding: values in row-major order, then the optional transpose of {@code prep}. */
    private static Tensor tensor(JsonNode e) {
        double[] values = new double[e.get("values").size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = e.get("values").get(i).asDouble();
        }
        Tensor t = Tensor.of(values).reshape(longs(e.get("shape")));
        JsonNode prep = e.get("prep");
        return prep == null ? t : t.transpose(prep.get(0).asInt(), prep.get(1).asInt());
    }

    private static void assertTensor(String what, JsonNode expected, Tensor actual) {
        Tensor e = tensor(expected);
        assertArrayEquals(e.shape(), actual.shape(), what + " shape");
        assertArrayEquals(e.toDoubleArray(), actual.toDoubleArray(), 1e-12, what);
    }

    private static void run(JsonNode c) {
        String name = c.get("name").asText();
        Op op = OPS.get(c.get("op").asText());
        assertNotNull(op, name + ": unknown op " + c.get("op").asText());
        JsonNode inputs = c.get("inputs");
        JsonNode tangents = c.get("tangents");
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor[] x = new Tensor[inputs.size()];
            for (int i = 0; i < x.length; i++) {
                Tensor primal = tensor(inputs.get(i));
                x[i] = tangents.get(i).isNull() ? primal : ForwardAD.makeDual(primal, tensor(tangents.get(i)));
            }
            Tensor y = op.apply(x, c.get("args"));
            assertTensor(name + " value", c.get("value"), y);
            Tensor t = ForwardAD.tangent(y);
            assertNotNull(t, name + ": the result carries no tangent");
            assertTensor(name + " jvp", c.get("jvp"), t);
        }
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorchForwardAD() {
        return StreamSupport.stream(ROOT.get("cases").spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> run(c)));
    }
}
