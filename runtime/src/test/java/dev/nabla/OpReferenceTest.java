package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every forward op against values computed once by PyTorch ({@code reference/ops.json}, written
 * by {@code reference/make_reference.py}, whose docstring defines the file format).
 *
 * <p>Each case builds its inputs from the stored values, applies the stored view ops
 * ({@code prep}) so that kernels also see strided and expanded operands, runs the op through
 * the public API and compares dtype, shape and values: exactly for int64 and bool, within
 * {@code 1e-12} absolute plus {@code 1e-12} relative for float64 and {@code 1e-5} plus
 * {@code 1e-5} relative for float32, with NaN equal only to NaN. A case torch rejects must
 * make Nabla throw a user-facing exception whose message contains the stored substring.
 */
class OpReferenceTest {
    private static final double F64_TOL = 1e-12;
    private static final double F32_TOL = 1e-5;

    /** How a case's inputs and arguments become a call of Nabla's public API. */
    @FunctionalInterface
    private interface Op {
        Tensor apply(List<Tensor> in, Args args);
    }

    private static final Map<String, Op> OPS = ops();
    private static final JsonNode ROOT = load("/reference/ops.json");

    private static Map<String, Op> ops() {
        Map<String, Op> m = new TreeMap<>();
        m.put("add", (in, a) -> in.get(0).add(in.get(1)));
        m.put("sub", (in, a) -> in.get(0).sub(in.get(1)));
        m.put("mul", (in, a) -> in.get(0).mul(in.get(1)));
        m.put("div", (in, a) -> in.get(0).div(in.get(1)));
        m.put("pow", (in, a) -> in.get(0).pow(in.get(1)));
        m.put("maximum", (in, a) -> in.get(0).maximum(in.get(1)));
        m.put("minimum", (in, a) -> in.get(0).minimum(in.get(1)));
        m.put("gt", (in, a) -> in.get(0).gt(in.get(1)));
        m.put("ge", (in, a) -> in.get(0).ge(in.get(1)));
        m.put("lt", (in, a) -> in.get(0).lt(in.get(1)));
        m.put("le", (in, a) -> in.get(0).le(in.get(1)));
        m.put("eq", (in, a) -> in.get(0).eq(in.get(1)));
        m.put("ne", (in, a) -> in.get(0).ne(in.get(1)));
        m.put("addScalar", (in, a) -> in.get(0).add(a.dbl("value")));
        m.put("subScalar", (in, a) -> in.get(0).sub(a.dbl("value")));
        m.put("mulScalar", (in, a) -> in.get(0).mul(a.dbl("value")));
        m.put("divScalar", (in, a) -> in.get(0).div(a.dbl("value")));
        m.put("powScalar", (in, a) -> in.get(0).pow(a.dbl("value")));
        m.put("maximumScalar", (in, a) -> in.get(0).maximum(a.dbl("value")));
        m.put("minimumScalar", (in, a) -> in.get(0).minimum(a.dbl("value")));
        m.put("gtScalar", (in, a) -> in.get(0).gt(a.dbl("value")));
        m.put("geScalar", (in, a) -> in.get(0).ge(a.dbl("value")));
        m.put("ltScalar", (in, a) -> in.get(0).lt(a.dbl("value")));
        m.put("leScalar", (in, a) -> in.get(0).le(a.dbl("value")));
        m.put("eqScalar", (in, a) -> in.get(0).eq(a.dbl("value")));
        m.put("neScalar", (in, a) -> in.get(0).ne(a.dbl("value")));
        m.put("neg", (in, a) -> in.get(0).neg());
        m.put("abs", (in, a) -> in.get(0).abs());
        m.put("exp", (in, a) -> in.get(0).exp());
        m.put("log", (in, a) -> in.get(0).log());
        m.put("sqrt", (in, a) -> in.get(0).sqrt());
        m.put("sin", (in, a) -> in.get(0).sin());
        m.put("cos", (in, a) -> in.get(0).cos());
        m.put("tanh", (in, a) -> in.get(0).tanh());
        m.put("sigmoid", (in, a) -> in.get(0).sigmoid());
        m.put("relu", (in, a) -> in.get(0).relu());
        m.put("clamp", (in, a) -> in.get(0).clamp(a.dbl("min"), a.dbl("max")));
        m.put("clampMin", (in, a) -> in.get(0).clampMin(a.dbl("min")));
        m.put("clampMax", (in, a) -> in.get(0).clampMax(a.dbl("max")));
        m.put("where", (in, a) -> Tensor.where(in.get(0), in.get(1), in.get(2)));
        m.put("maskedFill", (in, a) -> in.get(0).maskedFill(in.get(1), a.dbl("value")));
        m.put("sum", (in, a) -> in.get(0).sum());
        m.put("sumDim", (in, a) -> in.get(0).sum(a.integer("dim"), a.bool("keepDim")));
        m.put("mean", (in, a) -> in.get(0).mean());
        m.put("meanDim", (in, a) -> in.get(0).mean(a.integer("dim"), a.bool("keepDim")));
        m.put("max", (in, a) -> in.get(0).max());
        m.put("argmax", (in, a) -> in.get(0).argmax(a.integer("dim")));
        m.put("softmax", (in, a) -> in.get(0).softmax(a.integer("dim")));
        m.put("logSoftmax", (in, a) -> in.get(0).logSoftmax(a.integer("dim")));
        m.put("matmul", (in, a) -> in.get(0).matmul(in.get(1)));
        m.put("mm", (in, a) -> in.get(0).mm(in.get(1)));
        m.put("t", (in, a) -> in.get(0).t());
        m.put("transpose", (in, a) -> in.get(0).transpose(a.integer("dim0"), a.integer("dim1")));
        m.put("reshape", (in, a) -> in.get(0).reshape(a.longs("shape")));
        m.put("view", (in, a) -> in.get(0).view(a.longs("shape")));
        m.put("unsqueeze", (in, a) -> in.get(0).unsqueeze(a.integer("dim")));
        m.put("squeeze", (in, a) -> in.get(0).squeeze(a.integer("dim")));
        m.put("expand", (in, a) -> in.get(0).expand(a.longs("shape")));
        m.put("expandAs", (in, a) -> in.get(0).expandAs(in.get(1)));
        m.put("cat", (in, a) -> Tensor.cat(a.integer("dim"), in.toArray(new Tensor[0])));
        m.put("narrow", (in, a) -> in.get(0).narrow(a.integer("dim"), a.lng("start"), a.lng("length")));
        m.put("indexSelect", (in, a) -> in.get(0).indexSelect(a.integer("dim"), in.get(1)));
        m.put("gather", (in, a) -> in.get(0).gather(a.integer("dim"), in.get(1)));
        m.put("to", (in, a) -> in.get(0).to(a.dtype()));
        m.put("contiguous", (in, a) -> in.get(0).contiguous());
        m.put("clone", (in, a) -> in.get(0).clone());
        m.put("arange", (in, a) -> a.has("dtype") ? Tensor.arange(a.dtype(), a.lng("end")) : Tensor.arange(a.lng("end")));
        m.put("zeros", (in, a) -> a.has("dtype") ? Tensor.zeros(a.dtype(), a.longs("shape")) : Tensor.zeros(a.longs("shape")));
        m.put("ones", (in, a) -> a.has("dtype") ? Tensor.ones(a.dtype(), a.longs("shape")) : Tensor.ones(a.longs("shape")));
        m.put("full", (in, a) -> a.has("dtype")
                ? Tensor.full(a.dtype(), a.dbl("value"), a.longs("shape"))
                : Tensor.full(a.dbl("value"), a.longs("shape")));
        m.put("scalar", (in, a) -> a.has("dtype") ? Tensor.scalar(a.dtype(), a.dbl("value")) : Tensor.scalar(a.dbl("value")));
        return m;
    }

    /** A reference file from the test class path, e.g. {@code "/reference/ops.json"}. */
    static JsonNode load(String resource) {
        try (InputStream in = OpReferenceTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource + " is missing from the test class path");
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<JsonNode> cases() {
        return StreamSupport.stream(ROOT.get("cases").spliterator(), false);
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return dynamicTests(ROOT, OpReferenceTest::check);
    }

    /** One dynamic test per case of a reference file, each running {@code check} on its case. */
    static Stream<DynamicTest> dynamicTests(JsonNode root, Consumer<JsonNode> check) {
        return StreamSupport.stream(root.get("cases").spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> checkNamed(c, check)));
    }

    /** Runs one case with its name on any failure, since build reports do not show display names. */
    private static void checkNamed(JsonNode c, Consumer<JsonNode> check) {
        String name = c.get("name").asText();
        try {
            check.accept(c);
        } catch (AssertionError e) {
            throw new AssertionError(name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new AssertionError(name + ": threw " + e, e);
        }
    }

    @Test
    void everyOpHasCasesAndNamesAreUnique() {
        Set<String> seen = new TreeSet<>();
        Set<String> names = new TreeSet<>();
        cases().forEach(c -> {
            seen.add(c.get("op").asText());
            assertTrue(names.add(c.get("name").asText()), "duplicate case " + c.get("name"));
        });
        Set<String> untested = new TreeSet<>(OPS.keySet());
        untested.removeAll(seen);
        assertTrue(untested.isEmpty(), "ops without a reference case: " + untested);
        assertTrue(names.size() > 500, "expected the full reference set, found " + names.size() + " cases");
    }

    private static void check(JsonNode c) {
        Op op = OPS.get(c.get("op").asText());
        assertNotNull(op, "unknown op " + c.get("op"));
        List<Tensor> inputs = new ArrayList<>();
        for (JsonNode spec : c.get("inputs")) {
            inputs.add(build(spec));
        }
        Args args = new Args(c.get("args"));
        if (c.has("error")) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> op.apply(inputs, args),
                    "torch rejects this (" + c.get("error").asText() + ")");
            assertUserError(e, c.get("message").asText());
            return;
        }
        assertMatches(c.get("expected"), op.apply(inputs, args));
    }

    /** A bad argument must surface as an exception a user can act on, naming what was wrong. */
    static void assertUserError(RuntimeException e, String messagePart) {
        boolean userFacing = e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || (e instanceof IndexOutOfBoundsException && !(e instanceof ArrayIndexOutOfBoundsException));
        if (!userFacing) {
            fail("expected an IllegalArgumentException, IndexOutOfBoundsException or IllegalStateException, got " + e, e);
        }
        assertNotNull(e.getMessage(), "exception without a message: " + e);
        assertTrue(e.getMessage().contains(messagePart),
                "message \"" + e.getMessage() + "\" should contain \"" + messagePart + "\"");
    }

    // ---------------------------------------------------------------- building inputs

    static DType dtype(String torchName) {
        for (DType t : DType.values()) {
            if (t.torchName().equals(torchName)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype " + torchName);
    }

    /** A JSON array of whole numbers as {@code int}s. */
    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** A JSON array of whole numbers as {@code long}s. */
    static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    /** A number, or one of the strings "NaN", "Infinity", "-Infinity". */
    private static double number(JsonNode v) {
        return v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble();
    }

    static Tensor build(JsonNode spec) {
        DType dtype = dtype(spec.get("dtype").asText());
        JsonNode values = spec.get("values");
        int n = values.size();
        Tensor flat;
        switch (dtype) {
            case FLOAT32: {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) number(values.get(i));
                }
                flat = Tensor.of(v);
                break;
            }
            case FLOAT64: {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = number(values.get(i));
                }
                flat = Tensor.of(v);
                break;
            }
            case INT64:
                flat = Tensor.of(longs(values));
                break;
            default: {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = values.get(i).asBoolean();
                }
                flat = Tensor.of(v);
                break;
            }
        }
        Tensor t = flat.reshape(longs(spec.get("shape")));
        if (spec.has("prep")) {
            for (JsonNode step : spec.get("prep")) {
                t = prep(t, step);
            }
        }
        return t;
    }

    static Tensor prep(Tensor t, JsonNode step) {
        String op = step.get(0).asText();
        switch (op) {
            case "t":
                return t.t();
            case "transpose":
                return t.transpose(step.get(1).asInt(), step.get(2).asInt());
            case "narrow":
                return t.narrow(step.get(1).asInt(), step.get(2).asLong(), step.get(3).asLong());
            case "expand":
                return t.expand(longs(step.get(1)));
            case "unsqueeze":
                return t.unsqueeze(step.get(1).asInt());
            default:
                throw new IllegalArgumentException("unknown prep op " + op);
        }
    }

    // ---------------------------------------------------------------- comparing

    static void assertMatches(JsonNode expected, Tensor actual) {
        DType dtype = dtype(expected.get("dtype").asText());
        assertEquals(dtype, actual.dtype(), "dtype");
        assertArrayEquals(longs(expected.get("shape")), actual.shape(), "shape");
        JsonNode values = expected.get("values");
        assertEquals(values.size(), actual.numel(), "numel");
        switch (dtype) {
            case FLOAT32: {
                float[] got = actual.toFloatArray();
                for (int i = 0; i < got.length; i++) {
                    assertClose((float) number(values.get(i)), got[i], F32_TOL, i);
                }
                break;
            }
            case FLOAT64: {
                double[] got = actual.toDoubleArray();
                for (int i = 0; i < got.length; i++) {
                    assertClose(number(values.get(i)), got[i], F64_TOL, i);
                }
                break;
            }
            case INT64:
                assertArrayEquals(longs(values), actual.toLongArray(), "values");
                break;
            default: {
                boolean[] want = new boolean[values.size()];
                for (int i = 0; i < want.length; i++) {
                    want[i] = values.get(i).asBoolean();
                }
                assertArrayEquals(want, actual.toBooleanArray(), "values");
                break;
            }
        }
    }

    private static void assertClose(double expected, double actual, double tol, int index) {
        if (Double.isNaN(expected) || Double.isNaN(actual) || Double.isInfinite(expected)) {
            assertEquals(expected, actual, "element " + index);
            return;
        }
        assertFalse(Math.abs(actual - expected) > tol + tol * Math.abs(expected),
                () -> "element " + index + ": expected " + expected + " but was " + actual + " (tolerance " + tol + ")");
    }

    /** A case's scalar arguments. */
    private static final class Args {
        private final JsonNode node;

        Args(JsonNode node) {
            this.node = node;
        }

        boolean has(String key) {
            return node.has(key);
        }

        private JsonNode get(String key) {
            JsonNode v = node.get(key);
            if (v == null) {
                throw new IllegalStateException("case lacks argument " + key);
            }
            return v;
        }

        double dbl(String key) {
            return number(get(key));
        }

        int integer(String key) {
            return get(key).asInt();
        }

        long lng(String key) {
            return get(key).asLong();
        }

        boolean bool(String key) {
            return get(key).asBoolean();
        }

        long[] longs(String key) {
            return OpReferenceTest.longs(get(key));
        }

        DType dtype() {
            return OpReferenceTest.dtype(get("dtype").asText());
        }
    }
}
