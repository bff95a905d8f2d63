package dev.nabla.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nabla.DType;
import dev.nabla.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks Nabla's safetensors files against an independent implementation of the format:
 * {@code io/safetensors_ref.py}, which uses only Python's standard library. Skipped when
 * {@code python3} is not on the path.
 */
class SafeTensorsCrossCheckTest {
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    @TempDir
    Path dir;

    private static Path script;

    @BeforeAll
    static void findPython() throws URISyntaxException {
        boolean python;
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            python = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            python = false;
        }
        assumeTrue(python, "python3 is not available");
        script = Path.of(SafeTensorsCrossCheckTest.class.getResource("/io/safetensors_ref.py").toURI());
    }

    /** Runs the reference script and returns its standard output; fails with its standard error if it fails. */
    private static String reference(String command, Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", script.toString(), command, file.toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "safetensors_ref.py timed out");
        assertEquals(0, p.exitValue(), "safetensors_ref.py " + command + " failed: " + new String(err, StandardCharsets.UTF_8));
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void referenceReaderReadsWhatNablaWrites() throws Exception {
        Map<String, Tensor> saved = new LinkedHashMap<>();
        saved.put("fc1.weight", Tensor.of(new float[][] {{0.1f, -2.5f, Float.NaN}, {Float.NEGATIVE_INFINITY, -0f, 1e-45f}}));
        saved.put("fc1.bias", Tensor.of(1e-300, -1.0 / 3));
        saved.put("step", Tensor.scalar(DType.INT64, 7));
        saved.put("ids", Tensor.of(Long.MIN_VALUE, 0L, Long.MAX_VALUE));
        saved.put("mask", Tensor.of(true, false, false, true).reshape(2, 2));
        saved.put("none", Tensor.zeros(DType.FLOAT64, 3, 0));
        saved.put("fc2.weight", Tensor.arange(DType.FLOAT32, 6).reshape(2, 3).t());
        Map<String, String> meta = Map.of("format", "pt", "by", "Nabla");
        Path file = dir.resolve("nabla.safetensors");
        SafeTensors.save(saved, meta, file);

        JsonNode read = JSON.readTree(reference("read", file));
        assertEquals("pt", read.get("metadata").get("format").asText());
        assertEquals("Nabla", read.get("metadata").get("by").asText());
        List<String> order = new ArrayList<>();
        read.get("order").forEach(n -> order.add(n.asText()));
        assertEquals(new ArrayList<>(saved.keySet()), order);

        Map<DType, String> names = Map.of(DType.FLOAT32, "F32", DType.FLOAT64, "F64", DType.INT64, "I64", DType.BOOL, "BOOL");
        for (Map.Entry<String, Tensor> e : saved.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            JsonNode r = read.get("tensors").get(name);
            assertEquals(names.get(t.dtype()), r.get("dtype").asText(), name);
            long[] shape = new long[r.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = r.get("shape").get(i).asLong();
            }
            assertArrayEquals(t.shape(), shape, name);
            assertEquals(0, r.get("data_offsets").get(0).asLong() % t.dtype().byteSize(), name + " is aligned");
            JsonNode values = r.get("values");
            assertEquals(t.numel(), values.size(), name);
            for (int i = 0; i < values.size(); i++) {
                JsonNode v = values.get(i);
                switch (t.dtype()) {
                    case FLOAT32:
                        // Python widens each float32 to a float64 exactly; NaN compares by class.
                        assertEquals((double) t.toFloatArray()[i], v.asDouble(), 0.0, name + "[" + i + "]");
                        break;
                    case FLOAT64:
                        assertEquals(t.toDoubleArray()[i], v.asDouble(), 0.0, name + "[" + i + "]");
                        break;
                    case INT64:
                        assertTrue(v.canConvertToLong(), name);
                        assertEquals(t.toLongArray()[i], v.longValue(), name + "[" + i + "]");
                        break;
                    default:
                        assertEquals(t.toBooleanArray()[i], v.booleanValue(), name + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void nablaReadsWhatTheReferenceWriterWrites() throws Exception {
        Path file = dir.resolve("reference.safetensors");
        reference("write", file);
        assertEquals(Map.of("source", "safetensors_ref.py"), SafeTensors.metadata(file));
        Map<String, Tensor> t = SafeTensors.load(file);
        assertEquals(List.of("f64", "f32", "f16", "bf16", "i64", "i32", "i16", "i8", "u8", "u16", "u32", "flags", "scalar",
                "empty"), new ArrayList<>(t.keySet()), "the header's order, not the data area's");

        check(t.get("f64"), DType.FLOAT64, new long[] {2, 2});
        assertArrayEquals(new double[] {1.5, -2.25, 1e300, -0.0}, t.get("f64").toDoubleArray());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(t.get("f64").toDoubleArray()[3]));
        check(t.get("f32"), DType.FLOAT32, new long[] {3});
        assertArrayEquals(new float[] {0.1f, Float.POSITIVE_INFINITY, -3.5f}, t.get("f32").toFloatArray());
        check(t.get("f16"), DType.FLOAT32, new long[] {4});
        assertArrayEquals(new float[] {0.5f, -65504f, 0x1p-24f, Float.NEGATIVE_INFINITY}, t.get("f16").toFloatArray());
        check(t.get("bf16"), DType.FLOAT32, new long[] {2});
        assertArrayEquals(new float[] {1f, -2.5f}, t.get("bf16").toFloatArray());
        check(t.get("i64"), DType.INT64, new long[] {2});
        assertArrayEquals(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, t.get("i64").toLongArray());
        check(t.get("i32"), DType.INT64, new long[] {2});
        assertArrayEquals(new long[] {Integer.MIN_VALUE, 7}, t.get("i32").toLongArray());
        check(t.get("i16"), DType.INT64, new long[] {1});
        assertArrayEquals(new long[] {Short.MIN_VALUE}, t.get("i16").toLongArray());
        check(t.get("i8"), DType.INT64, new long[] {3});
        assertArrayEquals(new long[] {-128, 0, 127}, t.get("i8").toLongArray());
        check(t.get("u8"), DType.INT64, new long[] {2});
        assertArrayEquals(new long[] {0, 255}, t.get("u8").toLongArray());
        check(t.get("u16"), DType.INT64, new long[] {1});
        assertArrayEquals(new long[] {65535}, t.get("u16").toLongArray());
        check(t.get("u32"), DType.INT64, new long[] {1});
        assertArrayEquals(new long[] {4294967295L}, t.get("u32").toLongArray());
        check(t.get("flags"), DType.BOOL, new long[] {2, 1});
        assertArrayEquals(new boolean[] {true, false}, t.get("flags").toBooleanArray());
        check(t.get("scalar"), DType.FLOAT32, new long[0]);
        assertEquals(42.0, t.get("scalar").item());
        check(t.get("empty"), DType.FLOAT32, new long[] {0, 4});
    }

    @Test
    void referenceReaderReadsANablaCopyOfItsOwnFile() throws Exception {
        Path original = dir.resolve("reference.safetensors");
        reference("write", original);
        Path copy = dir.resolve("copy.safetensors");
        SafeTensors.save(SafeTensors.load(original), SafeTensors.metadata(original), copy);
        JsonNode a = JSON.readTree(reference("read", original)).get("tensors");
        JsonNode b = JSON.readTree(reference("read", copy)).get("tensors");
        a.fieldNames().forEachRemaining(name -> {
            List<Double> va = new ArrayList<>();
            List<Double> vb = new ArrayList<>();
            a.get(name).get("values").forEach(v -> va.add(v.asDouble()));
            b.get(name).get("values").forEach(v -> vb.add(v.asDouble()));
            assertEquals(va, vb, name);
            assertEquals(a.get(name).get("shape"), b.get(name).get("shape"), name);
        });
        assertTrue(Files.size(copy) > 8);
    }

    private static void check(Tensor t, DType dtype, long[] shape) {
        assertEquals(dtype, t.dtype());
        assertArrayEquals(shape, t.shape());
    }
}
