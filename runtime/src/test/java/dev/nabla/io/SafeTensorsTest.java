package dev.nabla.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.DType;
import dev.nabla.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("layer.weight", Tensor.of(new float[][] {{1.5f, -0f, Float.NaN}, {Float.POSITIVE_INFINITY, 1e-45f, 3.4e38f}}));
        m.put("flags", Tensor.of(true, false, true));
        m.put("scale", Tensor.scalar(DType.FLOAT64, Math.PI));
        m.put("steps", Tensor.of(Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE));
        m.put("empty", Tensor.zeros(0, 3));
        m.put("empty.middle", Tensor.zeros(DType.INT64, 2, 0, 5));
        m.put("layer.bias", Tensor.of(0.25, -0.5));
        return m;
    }

    private static void assertSameTensor(String name, Tensor expected, Tensor actual) {
        assertEquals(expected.dtype(), actual.dtype(), name + " dtype");
        assertArrayEquals(expected.shape(), actual.shape(), name + " shape");
        assertTrue(actual.isContiguous(), name + " contiguous");
        switch (expected.dtype()) {
            case FLOAT32: {
                float[] e = expected.toFloatArray();
                float[] a = actual.toFloatArray();
                assertEquals(e.length, a.length, name);
                for (int i = 0; i < e.length; i++) {
                    assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), name + "[" + i + "]");
                }
                break;
            }
            case FLOAT64: {
                double[] e = expected.toDoubleArray();
                double[] a = actual.toDoubleArray();
                assertEquals(e.length, a.length, name);
                for (int i = 0; i < e.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]), name + "[" + i + "]");
                }
                break;
            }
            case INT64:
                assertArrayEquals(expected.toLongArray(), actual.toLongArray(), name);
                break;
            default:
                assertArrayEquals(expected.toBooleanArray(), actual.toBooleanArray(), name);
        }
    }

    // ================================================================ round trips

    @Test
    void roundTripKeepsDtypesShapesBitsAndOrder() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Map<String, Tensor> saved = sample();
        SafeTensors.save(saved, file);
        Map<String, Tensor> loaded = SafeTensors.load(file);
        assertEquals(new ArrayList<>(saved.keySet()), new ArrayList<>(loaded.keySet()));
        assertTrue(loaded instanceof LinkedHashMap);
        for (String name : saved.keySet()) {
            assertSameTensor(name, saved.get(name), loaded.get(name));
            assertFalse(loaded.get(name).requiresGrad(), name);
        }
        assertTrue(SafeTensors.metadata(file).isEmpty());
    }

    @Test
    void emptyStateDictRoundTrips() throws IOException {
        Path file = dir.resolve("empty.safetensors");
        SafeTensors.save(Map.of(), file);
        assertTrue(SafeTensors.load(file).isEmpty());
        assertEquals(16, Files.size(file), "8-byte length plus '{}' padded to 8 bytes");
    }

    @Test
    void stridedViewsAndGradTensorsAreSavedAsTheirValues() throws IOException {
        Tensor base = Tensor.arange(DType.FLOAT32, 12).reshape(3, 4);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("transposed", base.t());
        m.put("narrowed", base.narrow(1, 1, 2));
        m.put("expanded", Tensor.of(1.0, 2.0).unsqueeze(0).expand(3, 2));
        m.put("offset", base.reshape(-1).narrow(0, 5, 4));
        m.put("param", Tensor.randn(2, 2).requiresGrad(true));
        Path file = dir.resolve("views.safetensors");
        SafeTensors.save(m, file);
        Map<String, Tensor> loaded = SafeTensors.load(file);
        for (Map.Entry<String, Tensor> e : m.entrySet()) {
            assertSameTensor(e.getKey(), e.getValue().detach(), loaded.get(e.getKey()));
        }
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, loaded.get("transposed").toFloatArray());
    }

    @Test
    void metadataIsWrittenFirstAndReadBack() throws IOException {
        Path file = dir.resolve("meta.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "ünïcødé \"quoted\"");
        SafeTensors.save(Map.of("w", Tensor.of(1f, 2f)), meta, file);
        assertEquals(meta, SafeTensors.metadata(file));
        assertEquals(List.of("format", "note"), new ArrayList<>(SafeTensors.metadata(file).keySet()));
        assertEquals(List.of("__metadata__", "w"), headerKeys(file));
        assertSameTensor("w", Tensor.of(1f, 2f), SafeTensors.load(file).get("w"));
    }

    @Test
    void headerIsPaddedAndRegionsAreAlignedToTheirElementSize() throws IOException {
        Path file = dir.resolve("layout.safetensors");
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("b", Tensor.of(true, false, true));
        m.put("f", Tensor.of(1f, 2f, 3f));
        m.put("d", Tensor.of(1.0));
        m.put("l", Tensor.of(7L));
        SafeTensors.save(m, file);
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header length is a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.endsWith("}") || header.matches("(?s).*\\} +"), header);
        assertEquals(List.of("b", "f", "d", "l"), headerKeys(file), "header keeps the state dict's order");
        JsonNode json = new ObjectMapper().readTree(header);
        assertEquals("[0,8]", json.get("d").get("data_offsets").toString());
        assertEquals("[8,16]", json.get("l").get("data_offsets").toString());
        assertEquals("[16,28]", json.get("f").get("data_offsets").toString());
        assertEquals("[28,31]", json.get("b").get("data_offsets").toString());
        assertEquals("BOOL", json.get("b").get("dtype").asText());
        assertEquals("F32", json.get("f").get("dtype").asText());
        assertEquals("F64", json.get("d").get("dtype").asText());
        assertEquals("I64", json.get("l").get("dtype").asText());
        assertEquals(8 + n + 31, bytes.length);
    }

    private static List<String> headerKeys(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        List<String> keys = new ArrayList<>();
        new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8)).fieldNames()
                .forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void largeTensorsStreamThroughSeveralChunks() throws IOException {
        Tensor big = Tensor.randn(DType.FLOAT64, 300, 1000);
        Tensor ints = Tensor.arange(DType.INT64, 600_000);
        Path file = dir.resolve("big.safetensors");
        SafeTensors.save(Map.of("big", big, "ints", ints), file);
        Map<String, Tensor> loaded = SafeTensors.load(file);
        assertSameTensor("big", big, loaded.get("big"));
        assertSameTensor("ints", ints, loaded.get("ints"));
    }

    // ================================================================ atomic writes

    @Test
    void failedSaveLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.save(Map.of("w", Tensor.of(1f, 2f)), file);
        byte[] before = Files.readAllBytes(file);

        Map<String, Tensor> withNull = new LinkedHashMap<>();
        withNull.put("ok", Tensor.of(3f));
        withNull.put("missing", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(withNull, file));
        assertTrue(e.getMessage().contains("'missing'"), e.getMessage());
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.save(Map.of("__metadata__", Tensor.of(1f)), file));
        assertTrue(reserved.getMessage().contains("__metadata__"), reserved.getMessage());

        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of(file), listDir());
    }

    @Test
    void failedRenameDeletesTheTemporaryFile() throws IOException {
        Path target = dir.resolve("occupied");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep.txt"), "keep");
        assertThrows(IOException.class, () -> SafeTensors.save(Map.of("w", Tensor.of(1f)), target));
        assertEquals("keep", Files.readString(target.resolve("keep.txt")));
        assertEquals(List.of(target), listDir());
    }

    @Test
    void saveReplacesAnExistingFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.save(Map.of("old", Tensor.of(1f)), file);
        SafeTensors.save(Map.of("new", Tensor.of(2.0)), file);
        Map<String, Tensor> loaded = SafeTensors.load(file);
        assertEquals(List.of("new"), new ArrayList<>(loaded.keySet()));
        assertEquals(List.of(file), listDir());
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().collect(Collectors.toList());
        }
    }

    // ================================================================ hostile input

    /** A file of the given header text (unpadded) and data bytes. */
    private Path file(String name, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return raw(name, h.length, h, data);
    }

    private Path raw(String name, long headerLength, byte[] header, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(header).put(data);
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    /** Loading {@code f} fails with a message naming the file, {@code key} (if not null) and {@code detail}. */
    private static SafeTensorsFormatException rejects(Path f, String key, String detail) {
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.load(f));
        String m = e.getMessage();
        assertTrue(m.contains(f.toString()), m);
        assertEquals(key, e.key(), m);
        if (key != null) {
            assertTrue(m.contains("'" + key + "'") || m.contains(key + ":"), m);
        }
        assertTrue(m.contains(detail), "expected '" + detail + "' in: " + m);
        assertEquals(f, e.file());
        return e;
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void rejectsFilesTooShortOrWithBadHeaderLengths() throws IOException {
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[] {1, 2, 3});
        rejects(tiny, null, "too short");
        rejects(raw("beyond", 1000, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]), null, "runs past the end");
        rejects(raw("absurd", 200_000_000L, new byte[16], new byte[0]), null, "absurd");
        rejects(raw("negative", -1L, new byte[16], new byte[0]), null, "18446744073709551615");
    }

    @Test
    void rejectsHeadersThatAreNotJsonObjects() throws IOException {
        rejects(raw("utf8", 4, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, new byte[0]), null, "not valid UTF-8");
        rejects(file("json", "{\"w\": {\"dtype\": ", new byte[0]), "w", "not valid JSON");
        rejects(file("array", "[1, 2]", new byte[0]), null, "not a JSON object");
        rejects(file("trailing", "{} {}", new byte[0]), null, "after its JSON object");
        rejects(file("entry", "{\"w\": 5}", new byte[0]), "w", "must be a JSON object");
        rejects(file("missing", "{\"w\": {\"dtype\": \"F32\", \"shape\": [1]}}", new byte[4]), "w", "data_offsets");
    }

    @Test
    void rejectsDuplicateKeys() throws IOException {
        String w = entry("w", "F32", "[1]", 0, 4);
        rejects(file("dup", "{" + w + "," + w + "}", new byte[4]), "w", "twice");
        rejects(file("dupfield", "{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                new byte[4]), "w", "the entry names 'dtype' twice");
        rejects(file("dupmeta", "{\"__metadata__\":{},\"__metadata__\":{}," + w + "}", new byte[4]), "__metadata__", "twice");
        rejects(file("dupmetakey", "{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}", new byte[0]), "__metadata__",
                "names 'a' twice");
    }

    @Test
    void rejectsUnknownAndUnsupportedDtypes() throws IOException {
        rejects(file("unknown", "{" + entry("w", "F128", "[1]", 0, 16) + "}", new byte[16]), "w", "unknown dtype 'F128'");
        rejects(file("u64", "{" + entry("w", "U64", "[1]", 0, 8) + "}", new byte[8]), "w", "U64 is not supported");
        rejects(file("f8", "{" + entry("w", "F8_E4M3", "[1]", 0, 1) + "}", new byte[1]), "w", "F8_E4M3 is not supported");
        rejects(file("dtypenum", "{\"w\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "w",
                "dtype must be a string");
    }

    @Test
    void rejectsBadShapes() throws IOException {
        rejects(file("negdim", "{" + entry("w", "F32", "[-1]", 0, 4) + "}", new byte[4]), "w", "non-negative");
        rejects(file("fracdim", "{" + entry("w", "F32", "[1.5]", 0, 4) + "}", new byte[4]), "w", "non-negative integers");
        rejects(file("hugedim", "{" + entry("w", "F32", "[100000000000000000000]", 0, 4) + "}", new byte[4]), "w",
                "below 2^63");
        rejects(file("overflow", "{" + entry("w", "F32", "[4294967296, 4294967296, 4]", 0, 4) + "}", new byte[4]), "w",
                "more elements than a long");
        rejects(file("shapestr", "{" + entry("w", "F32", "\"3\"", 0, 12) + "}", new byte[12]), "w", "shape must be an array");
        rejects(file("big", "{" + entry("w", "F32", "[1000000, 1000000]", 0, 4) + "}", new byte[4]), "w",
                "needs 1000000000000 elements of 4 bytes");
    }

    @Test
    void rejectsOffsetsOutOfRangeOrMismatched() throws IOException {
        rejects(file("mismatch", "{" + entry("w", "F32", "[2, 3]", 0, 12) + "}", new byte[12]), "w",
                "span 12 bytes but shape [2, 3] of F32 needs 6 elements of 4 bytes");
        rejects(file("beyond", "{" + entry("w", "F32", "[2]", 0, 8) + "}", new byte[4]), "w", "within the data area of 4 bytes");
        rejects(file("reversed", "{" + entry("w", "F32", "[0]", 4, 0) + "}", new byte[4]), "w", "not a range");
        rejects(file("three", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", new byte[8]), "w",
                "array of 2");
        rejects(file("negoff", "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[-4,-4]}}", new byte[0]), "w",
                "non-negative");
    }

    @Test
    void rejectsOverlapsGapsAndUncoveredBytes() throws IOException {
        rejects(file("overlap", "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}",
                new byte[12]), "b", "overlaps the data [0, 8) of tensor 'a'");
        rejects(file("alias", "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 0, 8) + "}",
                new byte[8]), "b", "overlaps");
        rejects(file("gap", "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}",
                new byte[12]), "b", "gap of 4 bytes after tensor 'a'");
        rejects(file("lead", "{" + entry("a", "F32", "[1]", 4, 8) + "}", new byte[8]), "a", "gap of 4 bytes after the header");
        rejects(file("tail", "{" + entry("a", "F32", "[1]", 0, 4) + "}", new byte[6]), null, "ends at byte 4 of a data area of 6");
    }

    @Test
    void rejectsBadMetadataAndBoolBytes() throws IOException {
        rejects(file("metanum", "{\"__metadata__\":{\"epoch\":3}}", new byte[0]), "__metadata__", "'epoch' must be a string");
        rejects(file("metaarr", "{\"__metadata__\":[\"x\"]}", new byte[0]), "__metadata__", "JSON object of strings");
        rejects(file("bool", "{" + entry("m", "BOOL", "[3]", 0, 3) + "}", new byte[] {0, 1, 2}), "m",
                "BOOL element 2 is the byte 2");
        assertThrows(SafeTensorsFormatException.class,
                () -> SafeTensors.metadata(file("metaonly", "{\"__metadata__\":{\"a\":1}}", new byte[0])));
    }

    @Test
    void acceptsSpacePaddingAndZeroSizeTensorsSharingAnOffset() throws IOException {
        String header = "{" + entry("e1", "F32", "[0]", 0, 0) + "," + entry("w", "I64", "[1]", 0, 8) + ","
                + entry("e2", "BOOL", "[0, 2]", 8, 8) + "}     ";
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).array();
        Map<String, Tensor> loaded = SafeTensors.load(file("padded", header, data));
        assertEquals(List.of("e1", "w", "e2"), new ArrayList<>(loaded.keySet()));
        assertArrayEquals(new long[] {-5}, loaded.get("w").toLongArray());
        assertArrayEquals(new long[] {0, 2}, loaded.get("e2").shape());
        assertEquals(DType.BOOL, loaded.get("e2").dtype());
    }
}
