package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.DType;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link Tensor#erf()} and the transformer functions of {@link Functional} against PyTorch 1.13:
 * values and gradients of {@code transformer/expected.json} ("functional", written by
 * {@code transformer/make_expected.py}), within {@code 1e-12 * max(1, |expected|)} in float64.
 */
class TransformerReferenceTest {
    private static final double TOL = 1e-12;

    /** A call of Nabla's API for a stored case's op. */
    @FunctionalInterface
    private interface Op {
        Tensor apply(List<Tensor> in, JsonNode args);
    }

    private static final Map<String, Op> OPS = Map.of(
            "erf", (in, a) -> in.get(0).erf(),
            "gelu", (in, a) -> Functional.gelu(in.get(0)),
            "silu", (in, a) -> Functional.silu(in.get(0)),
            "softplus", (in, a) -> Functional.softplus(in.get(0)),
            "layerNorm", (in, a) -> Functional.layerNorm(in.get(0), longs(a.get("normalized_shape")),
                    in.size() > 1 ? in.get(1) : null, in.size() > 2 ? in.get(2) : null, a.get("eps").asDouble()),
            "embedding", (in, a) -> Functional.embedding(in.get(0), in.get(1)),
            "attention", (in, a) -> Functional.scaledDotProductAttention(in.get(0), in.get(1), in.get(2),
                    in.size() > 3 ? in.get(3) : null, a.get("causal").asBoolean()),
            "crossEntropy", (in, a) -> Functional.crossEntropy(in.get(0), target(a), a.get("ignore_index").asLong(),
                    a.get("label_smoothing").asDouble()),
            "nllLoss", (in, a) -> Functional.nllLoss(in.get(0), target(a)),
            "binaryCrossEntropyWithLogits", (in, a) -> Functional.binaryCrossEntropyWithLogits(in.get(0), in.get(1)));

    @TestFactory
    Stream<DynamicTest> valuesAndGradientsMatchPyTorch() {
        JsonNode root = TestData.load("/transformer/expected.json");
        return StreamSupport.stream(root.get("functional").spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
    }

    private static void check(JsonNode c) {
        String name = c.get("name").asText();
        List<Tensor> inputs = new ArrayList<>();
        for (JsonNode t : c.get("inputs")) {
            Tensor x = tensor(t);
            inputs.add(x.dtype().isFloatingPoint() ? x.requiresGrad(true) : x);
        }
        Tensor out = OPS.get(c.get("op").asText()).apply(inputs, c.get("args"));
        TestData.assertClose(c.get("output"), out, TOL, name + " value");
        JsonNode g = c.get("grad_output");
        if (g.isNull()) {
            out.backward();
        } else {
            out.backward(TestData.float64(g));
        }
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode expected = c.get("grads").get(i);
            if (expected.isNull()) {
                assertNull(inputs.get(i).grad(), name + ": input " + i + " gets no gradient");
            } else {
                TestData.assertClose(expected, inputs.get(i).grad(), TOL, name + " gradient of input " + i);
            }
        }
    }

    /** A stored tensor of its stored dtype. */
    static Tensor tensor(JsonNode t) {
        switch (t.get("dtype").asText()) {
            case "int64":
                return TestData.int64(t);
            case "bool":
                return TestData.int64(t).ne(0);
            case "float32":
                return TestData.float64(t).to(DType.FLOAT32);
            default:
                return TestData.float64(t);
        }
    }

    private static Tensor target(JsonNode args) {
        JsonNode t = args.get("target");
        List<Long> values = new ArrayList<>();
        List<Long> shape = new ArrayList<>();
        shape.add((long) t.size());
        if (t.get(0).isArray()) {
            shape.add((long) t.get(0).size());
            t.forEach(row -> row.forEach(v -> values.add(v.asLong())));
        } else {
            t.forEach(v -> values.add(v.asLong()));
        }
        return Tensor.of(values.stream().mapToLong(Long::longValue).toArray())
                .reshape(shape.stream().mapToLong(Long::longValue).toArray());
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}
