package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.DType;
import dev.nabla.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link Functional}'s ops against PyTorch ({@code functional/functional.json}, written by
 * {@code functional/make_functional.py}, whose docstring defines the format): each case's
 * output, the gradient of every float64 input for the stored output gradient, and the running
 * statistics batch norm leaves behind, all within {@code 1e-10} absolute plus {@code 1e-10}
 * relative; a case PyTorch rejects must throw an {@link IllegalArgumentException} containing
 * the stored part of PyTorch's message.
 */
class FunctionalReferenceTest {
    private static final double TOL = 1e-10;
    private static final JsonNode ROOT = load();

    private static JsonNode load() {
        try (InputStream in = FunctionalReferenceTest.class.getResourceAsStream("/functional/functional.json")) {
            assertNotNull(in, "functional/functional.json is missing from the test class path");
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return StreamSupport.stream(ROOT.get("cases").spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
    }

    private static void check(JsonNode c) {
        String name = c.get("name").asText();
        JsonNode specs = c.get("inputs");
        Tensor[] inputs = new Tensor[specs.size()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = specs.get(i).isNull() ? null : build(specs.get(i));
        }
        BiFunction<Tensor[], JsonNode, Tensor> op = op(c.get("op").asText());
        JsonNode args = c.get("args");
        if (c.has("error")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.apply(inputs, args), name);
            String part = c.get("message").asText();
            assertTrue(e.getMessage().contains(part), name + ": message \"" + e.getMessage() + "\" should contain \""
                    + part + "\" (PyTorch: " + c.get("error").asText() + ")");
            return;
        }
        JsonNode grads = c.get("grads");
        for (int i = 0; i < inputs.length; i++) {
            if (grads != null && !grads.get(i).isNull()) {
                inputs[i].requiresGrad(true);
            }
        }
        Tensor out = op.apply(inputs, args);
        assertMatches(name + " output", c.get("expected"), out);
        if (grads != null) {
            out.backward(build(c.get("gradOutput")));
            for (int i = 0; i < inputs.length; i++) {
                if (grads.get(i).isNull()) {
                    assertTrue(inputs[i] == null || inputs[i].grad() == null, name + ": input " + i + " got a gradient");
                } else {
                    assertMatches(name + " gradient of input " + i, grads.get(i), inputs[i].grad());
                }
            }
        }
        JsonNode after = c.get("after");
        for (int i = 0; i < inputs.length; i++) {
            if (!after.get(i).isNull()) {
                assertMatches(name + " input " + i + " after the call", after.get(i), inputs[i]);
            }
        }
    }

    private static BiFunction<Tensor[], JsonNode, Tensor> op(String name) {
        switch (name) {
            case "conv1d":
                return (x, a) -> Functional.conv1d(x[0], x[1], x[2], a.get("stride").asInt(), a.get("padding").asInt(),
                        a.get("dilation").asInt(), a.get("groups").asInt());
            case "conv2d":
                return (x, a) -> Functional.conv2d(x[0], x[1], x[2], a.get("stride").asInt(), a.get("padding").asInt(),
                        a.get("dilation").asInt(), a.get("groups").asInt());
            case "linear":
                return (x, a) -> Functional.linear(x[0], x[1], x[2]);
            case "max_pool2d":
                return (x, a) -> Functional.maxPool2d(x[0], a.get("kernel").asInt(), a.get("stride").asInt(),
                        a.get("padding").asInt());
            case "avg_pool2d":
                return (x, a) -> Functional.avgPool2d(x[0], a.get("kernel").asInt(), a.get("stride").asInt(),
                        a.get("padding").asInt());
            case "adaptive_avg_pool2d":
                return (x, a) -> Functional.adaptiveAvgPool2d(x[0], a.get("h").asInt(), a.get("w").asInt());
            case "batch_norm":
                return (x, a) -> Functional.batchNorm(x[0], x[1], x[2], x[3], x[4], a.get("training").asBoolean(),
                        a.get("momentum").asDouble(), a.get("eps").asDouble());
            case "leaky_relu":
                return (x, a) -> Functional.leakyRelu(x[0], a.get("slope").asDouble());
            case "one_hot":
                return (x, a) -> Functional.oneHot(x[0], a.get("classes").asInt());
            default:
                throw new IllegalArgumentException("unknown op " + name);
        }
    }

    private static Tensor build(JsonNode spec) {
        long[] shape = longs(spec.get("shape"));
        JsonNode values = spec.get("values");
        if (spec.get("dtype").asText().equals("int64")) {
            return Tensor.of(longs(values)).reshape(shape);
        }
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).asDouble();
        }
        return Tensor.of(v).reshape(shape);
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    private static void assertMatches(String what, JsonNode expected, Tensor actual) {
        assertNotNull(actual, what + " is missing");
        assertArrayEquals(longs(expected.get("shape")), actual.shape(), what + ": shape");
        JsonNode values = expected.get("values");
        if (expected.get("dtype").asText().equals("int64")) {
            assertEquals(DType.INT64, actual.dtype(), what + ": dtype");
            assertArrayEquals(longs(values), actual.toLongArray(), what);
            return;
        }
        assertEquals(DType.FLOAT64, actual.dtype(), what + ": dtype");
        double[] got = actual.toDoubleArray();
        for (int i = 0; i < got.length; i++) {
            double want = values.get(i).asDouble();
            assertTrue(Math.abs(got[i] - want) <= TOL + TOL * Math.abs(want),
                    what + ": element " + i + " is " + got[i] + ", PyTorch's " + want);
        }
    }

    @TestFactory
    Stream<DynamicTest> theFileCoversEveryOp() {
        return Stream.of("conv1d", "conv2d", "linear", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "batch_norm",
                "leaky_relu", "one_hot").map(op -> DynamicTest.dynamicTest(op, () -> {
                    long count = StreamSupport.stream(ROOT.get("cases").spliterator(), false)
                            .filter(c -> c.get("op").asText().equals(op) && !c.has("error")).count();
                    assertTrue(count > 0, "no value case for " + op);
                }));
    }
}
