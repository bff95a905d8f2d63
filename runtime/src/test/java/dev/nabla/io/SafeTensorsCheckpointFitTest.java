package dev.nabla.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What checkpoints need of {@link SafeTensors} beyond the format: large headers and long
 * strings within the format's 100 MB bound load in a small heap, a tensor the heap cannot
 * hold is an error naming it, and temporary files of killed saves do not pile up.
 */
class SafeTensorsCheckpointFitTest {
    /** Metadata and names longer than Jackson's default limits (20 M and 50 k characters). */
    private static final int LONG_STRING = 25_000_000;
    private static final int LONG_NAME = 60_000;

    @TempDir
    Path dir;

    @Test
    void stringsLongerThanJacksonsDefaultsRoundTrip() throws IOException {
        Path file = dir.resolve("long.safetensors");
        String value = "x".repeat(LONG_STRING - 1) + "é";
        String name = "n".repeat(LONG_NAME);
        SafeTensors.save(Map.of(name, Tensor.of(1.0, 2.0)), Map.of("notes", value), file);
        assertEquals(value, SafeTensors.metadata(file).get("notes"));
        assertArrayEquals(new double[] {1, 2}, SafeTensors.load(file).get(name).toDoubleArray());
    }

    @Test
    void aHeaderOverTheFormatsBoundIsNotSavedAndLeavesNoTemporaryFile() {
        Path file = dir.resolve("big.safetensors");
        Map<String, String> metadata = Map.of("notes", "b".repeat((int) Header.MAX_HEADER_BYTES));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.save(Map.of("w", Tensor.of(1f)), metadata, file));
        assertTrue(e.getMessage().contains("more than the 100000000 the format allows"), e.getMessage());
        assertEquals(List.of(), listDir());
    }

    @Test
    void savingCleansUpTheTemporaryFilesOfKilledSaves() throws IOException, InterruptedException {
        Process finished = new ProcessBuilder("true").start();
        assertEquals(0, finished.waitFor());
        long dead = finished.pid();
        long self = ProcessHandle.current().pid();
        Path abandoned = Files.createFile(dir.resolve(".other.safetensors." + dead + ".0123456789abcdef.nabla-save.tmp"));
        Path running = Files.createFile(dir.resolve(".model.safetensors." + self + ".fedcba9876543210.nabla-save.tmp"));
        Path unrelated = Files.createFile(dir.resolve(".notes." + dead + ".tmp"));

        Path file = dir.resolve("model.safetensors");
        SafeTensors.save(Map.of("w", Tensor.of(1f)), file);

        assertFalse(Files.exists(abandoned), "the temporary file of a process that is gone is removed");
        assertTrue(Files.exists(running), "the temporary file of a running process (a save in progress) is kept");
        assertTrue(Files.exists(unrelated), "files not named as Nabla's temporary files are kept");
        assertEquals(Set.of(unrelated, running, file), Set.copyOf(listDir()));
    }

    private List<Path> listDir() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A file whose header is {@code json} padded with spaces to {@code headerBytes}, followed by
     * {@code dataBytes} of zeros (a sparse file: nothing is written for them).
     */
    private Path paddedFile(String name, String json, long headerBytes, long dataBytes) throws IOException {
        Path f = dir.resolve(name);
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        assertTrue(text.length <= headerBytes, name + ": the JSON is longer than the header");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes);
            ch.write(len.flip());
            ch.write(ByteBuffer.wrap(text));
            byte[] spaces = new byte[1 << 20];
            Arrays.fill(spaces, (byte) ' ');
            for (long left = headerBytes - text.length; left > 0; ) {
                int n = (int) Math.min(left, spaces.length);
                ch.write(ByteBuffer.wrap(spaces, 0, n));
                left -= n;
            }
        }
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(8 + headerBytes + dataBytes);
        }
        return f;
    }

    private static String entry(String name, String dtype, long elements, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":[" + elements + "],\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    /** Loads each file in a JVM with a 256 MB heap; one {@link HeapProbe} line per file. */
    private static List<String> loadInSmallHeap(Path... files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), HeapProbe.class.getName()));
        for (Path f : files) {
            command.add(f.toString());
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the probe finishes");
        assertEquals(0, p.exitValue(), out);
        return out.lines().collect(Collectors.toList());
    }

    @Test
    void checkpointsThatStretchTheFormatLoadInA256MbHeap() throws IOException, InterruptedException {
        // A header at the format's bound: one tensor, metadata, and padding up to 100 MB.
        long bound = Header.MAX_HEADER_BYTES - Header.MAX_HEADER_BYTES % 8;
        Path padded = paddedFile("padded.safetensors", "{\"__metadata__\":{\"format\":\"pt\"}," + entry("w", "F32", 2, 0, 8)
                + "}", bound, 8);
        // A metadata string longer than Jackson's default limit.
        String longValue = "{\"__metadata__\":{\"notes\":\"" + "y".repeat(LONG_STRING) + "\"}}";
        Path longMetadata = paddedFile("long.safetensors", longValue, longValue.length() + 7 & ~7, 0);
        // A tensor larger than the whole heap.
        long huge = 40_000_000L;
        Path tooLarge = paddedFile("huge.safetensors", "{" + entry("huge", "F64", huge, 0, huge * 8) + "}", 128, huge * 8);
        // Three tensors that fit one by one but not all at once.
        long each = 25_000_000L;
        Path together = paddedFile("together.safetensors", "{" + entry("a", "F32", each, 0, each * 4) + ","
                + entry("b", "F32", each, each * 4, each * 8) + "," + entry("c", "F32", each, each * 8, each * 12) + "}",
                256, each * 12);

        // A header within the bound whose one string (90 MB of text, twice that as Java chars
        // while parsed) cannot fit beside the parser's buffers: an error, not an OutOfMemoryError.
        String hugeValue = "{\"__metadata__\":{\"notes\":\"" + "z".repeat(90_000_000) + "\"}}";
        Path crowded = paddedFile("crowded.safetensors", hugeValue, hugeValue.length() + 7 & ~7, 0);
        hugeValue = null;

        Path small = paddedFile("small.safetensors", "{" + entry("w", "F32", 2, 0, 8) + "}", 64, 8);

        List<String> lines = loadInSmallHeap(padded, longMetadata, tooLarge, together, crowded, small);

        assertEquals(6, lines.size(), String.join("\n", lines));
        assertEquals("OK 1 2", lines.get(0));
        assertEquals("OK 0 " + LONG_STRING, lines.get(1));
        String hugeError = lines.get(2);
        assertTrue(hugeError.startsWith("ERR java.io.IOException: " + tooLarge + ": tensor 'huge' (F64 [40000000], loaded as"
                + " torch.float64) needs 320000000 bytes, which the Java heap cannot hold"), hugeError);
        String togetherError = lines.get(3);
        assertTrue(togetherError.startsWith("ERR java.io.IOException: " + together + ": tensor '")
                && togetherError.contains("needs 100000000 bytes, which the Java heap cannot hold"), togetherError);
        String crowdedError = lines.get(4);
        assertTrue(crowdedError.startsWith("ERR java.io.IOException: " + crowded + ": the header (90000032 bytes) describes"
                + " more than the Java heap can hold"), crowdedError);
        assertEquals("OK 1", lines.get(5), "the JVM recovers: the next load works");
    }
}
