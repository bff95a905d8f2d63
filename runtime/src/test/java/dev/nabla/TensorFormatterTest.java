package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares {@link Tensor#toString()} with what PyTorch 1.13 prints for the same tensors.
 *
 * <p>The cases and PyTorch's output live in {@code format/expected.json}, written by
 * {@code format/make_expected.py}; rerun that script with PyTorch to add a case.
 */
class TensorFormatterTest {
    private static final String CASES = "/format/expected.json";

    /** One tensor of the data file and what PyTorch prints for it. */
    record Case(String name, DType dtype, long[] shape, JsonNode values, int[] transpose, Device device, String expected) {
        @Override
        public String toString() {
            return name;
        }

        /** The tensor the case describes, built with Nabla. */
        Tensor tensor() {
            Tensor t = switch (dtype) {
                case BOOL -> Tensor.of(booleans());
                case INT64 -> Tensor.of(longs());
                case FLOAT32 -> Tensor.of(doubles()).to(DType.FLOAT32);
                case FLOAT64 -> Tensor.of(doubles());
            };
            t = t.reshape(shape);
            return transpose == null ? t : t.transpose(transpose[0], transpose[1]);
        }

        private double[] doubles() {
            double[] out = new double[values.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode v = values.get(i);
                out[i] = v.isTextual() ? nonFinite(v.asText()) : v.asDouble();
            }
            return out;
        }

        private long[] longs() {
            long[] out = new long[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = values.get(i).longValue();
            }
            return out;
        }

        private boolean[] booleans() {
            boolean[] out = new boolean[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = values.get(i).booleanValue();
            }
            return out;
        }

        private static double nonFinite(String text) {
            return switch (text) {
                case "nan" -> Double.NaN;
                case "inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException("not a number: " + text);
            };
        }
    }

    static Stream<Case> cases() {
        try (InputStream in = TensorFormatterTest.class.getResourceAsStream(CASES)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + CASES);
            }
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : new ObjectMapper().readTree(in)) {
                cases.add(new Case(
                        c.get("name").asText(),
                        DType.valueOf(c.get("dtype").asText()),
                        longArray(c.get("shape")),
                        c.get("values"),
                        c.has("transpose") ? intArray(c.get("transpose")) : null,
                        c.has("device") ? Device.parse(c.get("device").asText()) : Device.CPU,
                        c.get("expected").asText()));
            }
            return cases.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long[] longArray(JsonNode node) {
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).longValue();
        }
        return out;
    }

    private static int[] intArray(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).intValue();
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void printsAsPyTorch(Case c) {
        Tensor t = c.tensor();
        if (c.transpose() != null) {
            // These cases exist to print a non-contiguous view: make sure they still do.
            assertFalse(t.isContiguous(), "expected a non-contiguous view");
        }
        String actual = c.device().isCpu() ? t.toString() : TensorFormatter.format(t, c.device());
        assertEquals(c.expected(), actual, c.name());
    }
}
