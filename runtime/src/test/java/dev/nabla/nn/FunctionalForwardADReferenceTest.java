package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link Autograd#jvp} through {@link Functional}'s ops against PyTorch's forward-mode AD
 * ({@code functional/forward_ad.json}, written by {@code functional/make_forward_ad.py}, whose
 * docstring defines the format): each case's output and output tangent, for the stored inputs
 * and tangents, within {@code 1e-10} absolute plus {@code 1e-10} relative. The inputs without a
 * stored tangent (indices, targets, masks, running statistics) are passed as they are.
 */
class FunctionalForwardADReferenceTest {
    private static final double TOL = 1e-10;
    private static final JsonNode ROOT = TestData.load("/functional/forward_ad.json");

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return StreamSupport.stream(ROOT.get("cases").spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
    }

    private static void check(JsonNode c) {
        String name = c.get("name").asText();
        JsonNode specs = c.get("inputs");
        JsonNode tangentSpecs = c.get("tangents");
        Tensor[] all = new Tensor[specs.size()];
        List<Integer> dual = new ArrayList<>();
        List<Tensor> tangents = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            all[i] = specs.get(i).isNull() ? null : build(specs.get(i));
            if (!tangentSpecs.get(i).isNull()) {
                dual.add(i);
                tangents.add(build(tangentSpecs.get(i)));
            }
        }
        Gradcheck.Fn op = op(c.get("op").asText(), c.get("args"));
        Gradcheck.Fn fn = moving -> {
            Tensor[] in = all.clone();
            for (int k = 0; k < moving.length; k++) {
                in[dual.get(k)] = moving[k];
            }
            return op.apply(in);
        };
        Tensor[] primals = dual.stream().map(i -> all[i]).toArray(Tensor[]::new);
        Tensor[] r = Autograd.jvp(fn, primals, tangents.toArray(new Tensor[0]));
        assertMatches(name + " output", c.get("expected"), r[0]);
        assertMatches(name + " tangent", c.get("tangent"), r[1]);
    }

    private static Gradcheck.Fn op(String name, JsonNode a) {
        switch (name) {
            case "linear":
                return x -> Functional.linear(x[0], x[1], x[2]);
            case "conv1d":
                return x -> Functional.conv1d(x[0], x[1], x[2], a.get("stride").asInt(), a.get("padding").asInt(),
                        a.get("dilation").asInt(), a.get("groups").asInt());
            case "conv2d":
                return x -> Functional.conv2d(x[0], x[1], x[2], a.get("stride").asInt(), a.get("padding").asInt(),
                        a.get("dilation").asInt(), a.get("groups").asInt());
            case "max_pool2d":
                return x -> Functional.maxPool2d(x[0], a.get("kernel").asInt(), a.get("stride").asInt(),
                        a.get("padding").asInt());
            case "avg_pool2d":
                return x -> Functional.avgPool2d(x[0], a.get("kernel").asInt(), a.get("stride").asInt(),
                        a.get("padding").asInt());
            case "adaptive_avg_pool2d":
                return x -> Functional.adaptiveAvgPool2d(x[0], a.get("h").asInt(), a.get("w").asInt());
            case "batch_norm":
                // Fresh copies of the running statistics: a training pass updates them.
                return x -> Functional.batchNorm(x[0], x[1].clone(), x[2].clone(), x[3], x[4], a.get("training").asBoolean(),
                        a.get("momentum").asDouble(), a.get("eps").asDouble());
            case "layer_norm":
                return x -> Functional.layerNorm(x[0], longs(a.get("shape")), x[1], x[2], a.get("eps").asDouble());
            case "embedding":
                return x -> Functional.embedding(x[0], x[1]);
            case "gelu":
                return x -> Functional.gelu(x[0]);
            case "silu":
                return x -> Functional.silu(x[0]);
            case "softplus":
                return x -> Functional.softplus(x[0]);
            case "leaky_relu":
                return x -> Functional.leakyRelu(x[0], a.get("slope").asDouble());
            case "dropout_eval":
                return x -> Functional.dropout(x[0], a.get("p").asDouble(), false);
            case "sdpa":
                return x -> Functional.scaledDotProductAttention(x[0], x[1], x[2], x[3], a.get("causal").asBoolean());
            case "cross_entropy":
                return x -> Functional.crossEntropy(x[0], x[1], a.get("ignore_index").asLong(),
                        a.get("label_smoothing").asDouble());
            case "nll_loss":
                return x -> Functional.nllLoss(x[0], x[1]);
            case "bce_with_logits":
                return x -> Functional.binaryCrossEntropyWithLogits(x[0], x[1]);
            default:
                throw new IllegalArgumentException("unknown op " + name);
        }
    }

    private static Tensor build(JsonNode spec) {
        long[] shape = longs(spec.get("shape"));
        JsonNode values = spec.get("values");
        switch (spec.get("dtype").asText()) {
            case "int64":
                return Tensor.of(longs(values)).reshape(shape);
            case "bool":
                return Tensor.of(longs(values)).reshape(shape).ne(0);
            default:
                return TestData.float64(spec);
        }
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    private static void assertMatches(String what, JsonNode expected, Tensor actual) {
        assertEquals(DType.FLOAT64, actual.dtype(), what + ": dtype");
        assertArrayEquals(longs(expected.get("shape")), actual.shape(), what + ": shape");
        double[] want = TestData.values(expected);
        double[] got = actual.toDoubleArray();
        for (int i = 0; i < got.length; i++) {
            assertTrue(Math.abs(got[i] - want[i]) <= TOL + TOL * Math.abs(want[i]),
                    what + ": element " + i + " is " + got[i] + ", PyTorch's " + want[i]);
        }
    }

    @TestFactory
    Stream<DynamicTest> theFileCoversEveryDifferentiableOp() {
        return Stream.of("linear", "conv1d", "conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "batch_norm",
                "layer_norm", "embedding", "gelu", "silu", "softplus", "leaky_relu", "dropout_eval", "sdpa", "cross_entropy",
                "nll_loss", "bce_with_logits").map(op -> DynamicTest.dynamicTest(op, () -> {
                    long count = StreamSupport.stream(ROOT.get("cases").spliterator(), false)
                            .filter(c -> c.get("op").asText().equals(op)).count();
                    assertTrue(count > 0, "no case for " + op);
                }));
    }
}
