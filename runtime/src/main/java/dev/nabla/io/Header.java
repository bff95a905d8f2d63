package dev.nabla.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nabla.internal.Shapes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON header of a safetensors file: one entry per tensor, in the header's order, and
 * the optional string-to-string {@code __metadata__}. {@link #parse} checks everything a
 * reader relies on before any tensor is allocated; {@link #encode} writes a header.
 */
final class Header {
    /** The key of the free-form metadata entry. */
    static final String METADATA_KEY = "__metadata__";

    /** The reference implementation's bound on the header's size (100 MB). */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /**
     * Jackson with its string and name limits (20 M and 50 k characters by default) raised to
     * the header's own bound, so that every header the format allows parses: a long metadata
     * value or tensor name is not an error.
     */
    private static final JsonMapper MAPPER = new JsonMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength((int) MAX_HEADER_BYTES)
                    .maxNameLength((int) MAX_HEADER_BYTES)
                    .build())
            .build());

    /**
     * One tensor's description.
     *
     * @param begin the offset of its first byte from the start of the data area
     * @param end the offset one past its last byte
     */
    record Entry(String name, SafeDType dtype, long[] shape, long numel, long begin, long end) {}

    final List<Entry> entries;
    final Map<String, String> metadata;

    private Header(List<Entry> entries, Map<String, String> metadata) {
        this.entries = entries;
        this.metadata = metadata;
    }

    // ================================================================ reading

    /**
     * Parses and validates a header as it streams in, holding no copy of its text: only what
     * it describes (names, shapes, metadata strings) is kept.
     *
     * @param text the header's text (UTF-8 JSON, possibly padded with spaces), decoded by a
     *     decoder that reports malformed input
     * @param dataBytes the size of the data area that follows the header
     * @throws SafeTensorsFormatException naming the file and the offending key for any violation
     *     of the format: bad UTF-8 or JSON, a duplicate key, an entry that is not an object, an
     *     unknown dtype, a bad shape or offsets, or data regions that overlap, leave gaps or do
     *     not cover the data area exactly
     * @throws IOException if reading the text fails
     */
    static Header parse(Path file, Reader text, long dataBytes) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        String key = null;
        try (JsonParser p = MAPPER.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new SafeTensorsFormatException(file, null, "the header is not a JSON object");
            }
            Set<String> seen = new HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                key = p.currentName();
                if (!seen.add(key)) {
                    throw new SafeTensorsFormatException(file, key, "the header names this key twice");
                }
                p.nextToken();
                Map<String, JsonNode> fields = fields(file, key, p);
                if (key.equals(METADATA_KEY)) {
                    readMetadata(file, fields, metadata);
                } else {
                    entries.add(readEntry(file, key, fields, dataBytes));
                }
                // A syntax error from here on is not this entry's.
                key = null;
            }
            if (p.nextToken() != null) {
                throw new SafeTensorsFormatException(file, null, "the header has content after its JSON object");
            }
        } catch (CharacterCodingException e) {
            throw new SafeTensorsFormatException(file, null, "the header is not valid UTF-8", e);
        } catch (JsonProcessingException e) {
            throw new SafeTensorsFormatException(file, key, "the header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        checkCoverage(file, entries, dataBytes);
        return new Header(entries, metadata);
    }

    /**
     * The members of the JSON object the parser is at, in order, rejecting a name given twice
     * (which Jackson's trees would silently collapse).
     *
     * @throws SafeTensorsFormatException naming {@code key} if the value is not an object or repeats a name
     */
    private static Map<String, JsonNode> fields(Path file, String key, JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            JsonNode value = MAPPER.readTree(p);
            throw new SafeTensorsFormatException(file, key, "must be a JSON object"
                    + (key.equals(METADATA_KEY) ? " of strings" : " with dtype, shape and data_offsets")
                    + ", got " + value.getNodeType());
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (fields.put(name, MAPPER.readTree(p)) != null) {
                throw new SafeTensorsFormatException(file, key, "the entry names '" + name + "' twice");
            }
        }
        return fields;
    }

    private static void readMetadata(Path file, Map<String, JsonNode> fields, Map<String, String> into)
            throws SafeTensorsFormatException {
        for (Map.Entry<String, JsonNode> e : fields.entrySet()) {
            if (!e.getValue().isTextual()) {
                throw new SafeTensorsFormatException(file, METADATA_KEY, "the value of '" + e.getKey()
                        + "' must be a string, got " + e.getValue().getNodeType());
            }
            into.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static Entry readEntry(Path file, String name, Map<String, JsonNode> value, long dataBytes)
            throws SafeTensorsFormatException {
        JsonNode dtypeNode = required(file, name, value, "dtype");
        if (!dtypeNode.isTextual()) {
            throw new SafeTensorsFormatException(file, name, "dtype must be a string, got " + dtypeNode);
        }
        SafeDType dtype = SafeDType.byName(dtypeNode.textValue());
        if (dtype == null) {
            throw new SafeTensorsFormatException(file, name, "unknown dtype '" + dtypeNode.textValue() + "'; the format defines "
                    + Arrays.toString(SafeDType.values()));
        }
        if (dtype.loadsAs == null) {
            throw new SafeTensorsFormatException(file, name, "dtype " + dtype + " is not supported: Nabla has no type that holds"
                    + " its values exactly");
        }
        long[] shape = longs(file, name, required(file, name, value, "shape"), "shape", -1);
        long numel = 1;
        for (long d : shape) {
            try {
                numel = Math.multiplyExact(numel, d);
            } catch (ArithmeticException e) {
                throw new SafeTensorsFormatException(file, name, "shape " + Arrays.toString(shape) + " has more elements than"
                        + " a long can count");
            }
        }
        long[] offsets = longs(file, name, required(file, name, value, "data_offsets"), "data_offsets", 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end || end > dataBytes) {
            throw new SafeTensorsFormatException(file, name, "data_offsets " + Arrays.toString(offsets)
                    + " are not a range within the data area of " + dataBytes + " bytes");
        }
        if (numel > (end - begin) / dtype.byteSize || numel * dtype.byteSize != end - begin) {
            throw new SafeTensorsFormatException(file, name, "data_offsets " + Arrays.toString(offsets) + " span "
                    + (end - begin) + " bytes but shape " + Arrays.toString(shape) + " of " + dtype + " needs " + numel
                    + " elements of " + dtype.byteSize + (dtype.byteSize == 1 ? " byte" : " bytes"));
        }
        if (numel > Shapes.MAX_CPU_NUMEL) {
            throw new SafeTensorsFormatException(file, name, "has " + numel + " elements, more than the "
                    + Shapes.MAX_CPU_NUMEL + " a CPU tensor holds");
        }
        return new Entry(name, dtype, shape, numel, begin, end);
    }

    private static JsonNode required(Path file, String name, Map<String, JsonNode> entry, String field)
            throws SafeTensorsFormatException {
        JsonNode v = entry.get(field);
        if (v == null) {
            throw new SafeTensorsFormatException(file, name, "the entry has no '" + field + "'");
        }
        return v;
    }

    /** An array of non-negative integers that fit a long, of {@code length} elements unless it is -1. */
    private static long[] longs(Path file, String name, JsonNode node, String field, int length)
            throws SafeTensorsFormatException {
        if (!node.isArray() || (length >= 0 && node.size() != length)) {
            throw new SafeTensorsFormatException(file, name, field + " must be an array of "
                    + (length >= 0 ? length + " " : "") + "non-negative integers, got " + node);
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new SafeTensorsFormatException(file, name, field + " must hold non-negative integers below 2^63, got "
                        + node);
            }
            out[i] = v.longValue();
        }
        return out;
    }

    /** The regions, in offset order, must tile the data area: no overlap, no gap, nothing left over. */
    private static void checkCoverage(Path file, List<Entry> entries, long dataBytes) throws SafeTensorsFormatException {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : byOffset) {
            if (e.begin() < expected) {
                throw new SafeTensorsFormatException(file, e.name(), "its data [" + e.begin() + ", " + e.end()
                        + ") overlaps the data [" + previous.begin() + ", " + previous.end() + ") of tensor '"
                        + previous.name() + "'");
            }
            if (e.begin() > expected) {
                throw new SafeTensorsFormatException(file, e.name(), "its data starts at " + e.begin() + ", leaving a gap of "
                        + (e.begin() - expected) + " bytes after " + (previous == null ? "the header"
                        : "tensor '" + previous.name() + "'"));
            }
            expected = e.end();
            previous = e;
        }
        if (expected != dataBytes) {
            throw new SafeTensorsFormatException(file, null, "the tensors' data ends at byte " + expected
                    + " of a data area of " + dataBytes + " bytes; the rest belongs to no tensor");
        }
    }

    // ================================================================ writing

    /**
     * Writes the header's JSON for {@code entries}, in their order, after {@code metadata} if
     * it is not empty, to {@code out} as UTF-8, streaming (no copy of the text is built);
     * {@code out} is flushed, not closed. The caller pads it.
     */
    static void write(List<Entry> entries, Map<String, String> metadata, OutputStream out) throws IOException {
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart(METADATA_KEY);
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    g.writeStringField(m.getKey(), m.getValue());
                }
                g.writeEndObject();
            }
            for (Entry e : entries) {
                g.writeObjectFieldStart(e.name());
                g.writeStringField("dtype", e.dtype().name());
                g.writeArrayFieldStart("shape");
                for (long d : e.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(e.begin());
                g.writeNumber(e.end());
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        }
    }
}
