package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.DType;
import dev.nabla.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads the tensors of the JSON files written by the {@code make_expected.py} scripts under
 * {@code src/test/resources/nn} and {@code optim} ({@code {"shape": [...], "values": [...]}}),
 * and compares results with them.
 */
public final class TestData {
    private TestData() {}

    /** The parsed JSON resource at {@code path} on the class path. */
    public static JsonNode load(String path) {
        try (InputStream in = TestData.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stored tensor as FLOAT64. */
    public static Tensor float64(JsonNode t) {
        return Tensor.of(values(t)).reshape(shape(t));
    }

    /** The stored tensor as INT64. */
    public static Tensor int64(JsonNode t) {
        double[] v = values(t);
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            l[i] = (long) v[i];
        }
        return Tensor.of(l).reshape(shape(t));
    }

    /** The stored shape. */
    public static long[] shape(JsonNode t) {
        JsonNode s = t.get("shape");
        long[] shape = new long[s.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = s.get(i).asLong();
        }
        return shape;
    }

    /** The stored values, row-major. */
    public static double[] values(JsonNode t) {
        JsonNode v = t.get("values");
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i).asDouble();
        }
        return out;
    }

    /**
     * Asserts that {@code actual} is FLOAT64 with the stored shape and values, each within
     * {@code tol * max(1, |expected|)} (relative for large values, absolute near zero).
     */
    public static void assertClose(JsonNode expected, Tensor actual, double tol, String what) {
        assertEquals(DType.FLOAT64, actual.dtype(), what + ": dtype");
        assertArrayEquals(shape(expected), actual.shape(), what + ": shape");
        double[] e = values(expected);
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol * Math.max(1, Math.abs(e[i])), what + ": element " + i);
        }
    }
}
