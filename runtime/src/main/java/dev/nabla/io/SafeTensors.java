package dev.nabla.io;

import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.backend.cpu.CpuStorage;
import dev.nabla.internal.Shapes;
import dev.nabla.internal.TensorAccess;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Saves and loads state dicts ({@code Map<String, Tensor>}) in the
 * <a href="https://huggingface.co/docs/safetensors">safetensors</a> format, which PyTorch's
 * ecosystem reads with {@code safetensors.torch.load_file}.
 *
 * <p>Note [File layout]: an 8-byte little-endian unsigned header length {@code N}; {@code N}
 * bytes of UTF-8 JSON mapping each tensor's name to its {@code dtype}, {@code shape} and
 * {@code data_offsets [begin, end)} (relative to the first byte after the header), plus an
 * optional {@code "__metadata__"} object of strings; then the data area, every tensor's
 * elements little-endian in row-major order, the regions tiling the area with no gap or
 * overlap.
 *
 * <p>Writing: the header lists {@code __metadata__} first (when there is any), then the
 * tensors in the state dict's iteration order, so that {@link #load} gives them back in that
 * order. In the data area, tensors with 8-byte elements come first, then 4-byte, then 1-byte
 * ones (each group in state-dict order), so that every region is aligned to its element size
 * as the reference implementation's layout (dtype by dtype) guarantees; the header is padded
 * with spaces to a multiple of 8 bytes. Nabla's dtypes are written as {@code FLOAT32 -> F32},
 * {@code FLOAT64 -> F64}, {@code INT64 -> I64}, {@code BOOL -> BOOL}. The header is streamed
 * to the file, never held as text. The file is written to a temporary file in the same
 * directory, {@code .<name>.<pid>.<random>.nabla-save.tmp}, and renamed over the target
 * atomically, so a failed save leaves any previous file as it was and deletes its temporary
 * file; a save whose process was killed cannot, so each save first deletes the temporary files
 * in its directory whose process is no longer running.
 *
 * <p>Reading: the whole header is validated before any tensor is allocated, and a file that
 * breaks the format is rejected with a {@link SafeTensorsFormatException} naming the file and
 * the offending key. The header is parsed as it streams from the file, so every header within
 * the format's 100 MB bound costs only the memory of what it describes, and strings (metadata
 * values, names) may be as long as that bound allows. A tensor the Java heap cannot hold is an
 * {@link IOException} naming it and its size, not an {@link OutOfMemoryError}; so is a header
 * whose contents alone overflow the heap. Types without a Nabla counterpart widen without loss: {@code F16} and
 * {@code BF16} load as FLOAT32; {@code I32}, {@code I16}, {@code I8}, {@code U32},
 * {@code U16} and {@code U8} as INT64. {@code U64} and the 8-bit float types are rejected.
 * Loaded tensors are contiguous CPU tensors that do not require grad.
 */
public final class SafeTensors {
    /** The end of a temporary file's name; see {@link #createTemp}. */
    private static final String TEMP_SUFFIX = ".nabla-save.tmp";

    /** A temporary file's name: {@code .<target>.<pid>.<16 hex digits>.nabla-save.tmp}. */
    private static final Pattern TEMP_NAME = Pattern.compile("\\..+\\.([0-9]{1,18})\\.[0-9a-f]{16}"
            + Pattern.quote(TEMP_SUFFIX));

    /** Bytes moved per read or write call: large enough to stream at disk speed, small enough to keep. */
    private static final int CHUNK_BYTES = 1 << 20;

    private SafeTensors() {}

    // ================================================================ saving

    /**
     * Saves {@code stateDict} to {@code file}, replacing it atomically if it exists.
     *
     * @param stateDict tensors by name, in the order the file's header lists them; tensors on
     *     another device or not contiguous are saved from contiguous CPU copies
     * @throws IllegalArgumentException if a name or tensor is null, a tensor is named
     *     {@code "__metadata__"}, or the header would exceed the format's 100 MB
     * @throws IOException if the file cannot be written; a previous file is then left intact
     */
    public static void save(Map<String, Tensor> stateDict, Path file) throws IOException {
        save(stateDict, Map.of(), file);
    }

    /**
     * Saves {@code stateDict} with string {@code metadata} (the header's {@code __metadata__},
     * e.g. {@code {"format": "pt"}}) to {@code file}, replacing it atomically if it exists.
     *
     * @param stateDict tensors by name, in the order the file's header lists them; tensors on
     *     another device or not contiguous are saved from contiguous CPU copies
     * @param metadata free-form strings by key; omitted from the header when empty
     * @throws IllegalArgumentException if a name, tensor, metadata key or value is null, a
     *     tensor is named {@code "__metadata__"}, or the header would exceed the format's 100 MB
     * @throws IOException if the file cannot be written; a previous file is then left intact
     */
    public static void save(Map<String, Tensor> stateDict, Map<String, String> metadata, Path file) throws IOException {
        if (stateDict == null || metadata == null || file == null) {
            throw new IllegalArgumentException("SafeTensors.save: the state dict, metadata and file must not be null");
        }
        List<Header.Entry> inOrder = new ArrayList<>(stateDict.size());
        List<Tensor> tensors = new ArrayList<>(stateDict.size());
        for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name == null) {
                throw new IllegalArgumentException("SafeTensors.save: the state dict has a null name");
            }
            if (name.equals(Header.METADATA_KEY)) {
                throw new IllegalArgumentException("SafeTensors.save: a tensor cannot be named '" + Header.METADATA_KEY
                        + "', the key the format reserves for metadata");
            }
            if (t == null) {
                throw new IllegalArgumentException("SafeTensors.save: tensor '" + name + "' is null");
            }
            inOrder.add(new Header.Entry(name, SafeDType.of(t.dtype()), t.shape(), t.numel(), 0, 0));
            tensors.add(t);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        metadata.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("SafeTensors.save: metadata has a null key or value (key " + k + ")");
            }
            meta.put(k, v);
        });

        // Data layout: widest elements first (stable, so state-dict order within a width).
        Integer[] layout = new Integer[inOrder.size()];
        for (int i = 0; i < layout.length; i++) {
            layout[i] = i;
        }
        Arrays.sort(layout, Comparator.comparingInt((Integer i) -> -inOrder.get(i).dtype().byteSize));
        List<Header.Entry> placed = new ArrayList<>(inOrder);
        long at = 0;
        for (int i : layout) {
            Header.Entry e = inOrder.get(i);
            long bytes = e.numel() * e.dtype().byteSize;
            placed.set(i, new Header.Entry(e.name(), e.dtype(), e.shape(), e.numel(), at, at + bytes));
            at += bytes;
        }

        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        removeAbandonedTemps(dir);
        Path tmp = createTemp(target);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                long dataStart = writeHeader(ch, placed, meta);
                ch.position(dataStart);
                ByteBuffer buf = chunk(Math.max(at, 8));
                for (int i : layout) {
                    writeData(ch, tensors.get(i), buf);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable failure) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
    }

    /**
     * Writes the header length and the header, streamed from {@code entries} and padded with
     * spaces to a multiple of 8 bytes (so that the data area starts 8-byte aligned), without
     * building its text in memory: the JSON goes straight to the file and its length is filled
     * in afterwards.
     *
     * @return the position of the data area
     */
    private static long writeHeader(FileChannel ch, List<Header.Entry> entries, Map<String, String> metadata)
            throws IOException {
        ch.position(8);
        // Not closed: that would close the channel.
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        Header.write(entries, metadata, out);
        out.flush();
        long json = ch.position() - 8;
        long padded = (json + 7) & ~7L;
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = json; i < padded; i++) {
            b.put((byte) ' ');
        }
        b.flip();
        writeFully(ch, b);
        if (padded > Header.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("SafeTensors.save: the header would be " + padded + " bytes, more than the "
                    + Header.MAX_HEADER_BYTES + " the format allows (names and metadata are too long)");
        }
        b.clear();
        b.putLong(padded).flip();
        while (b.hasRemaining()) {
            ch.write(b, b.position());
        }
        return 8 + padded;
    }

    /**
     * Deletes the temporary files that saves into {@code dir} left behind when their process
     * was killed: files named as {@link #createTemp} names them whose process is no longer
     * running. Those of running processes (a save in progress) are left alone.
     */
    private static void removeAbandonedTemps(Path dir) throws IOException {
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, ".*" + TEMP_SUFFIX)) {
            for (Path temp : temps) {
                Matcher m = TEMP_NAME.matcher(temp.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long pid = Long.parseLong(m.group(1));
                // This process deletes its own temporary when a save fails, so one of its own that
                // is here belongs to a save running now on another thread.
                boolean running = pid == self || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!running) {
                    Files.deleteIfExists(temp);
                }
            }
        } catch (NoSuchFileException e) {
            // No directory yet: creating the temporary file reports it.
        }
    }

    /**
     * A new empty file beside {@code target}, so that the final rename stays on one file
     * system. Created with the default permissions, as the target would be, unlike
     * {@link Files#createTempFile}'s owner-only ones.
     */
    private static Path createTemp(Path target) throws IOException {
        Path dir = target.getParent();
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                    + String.format("%016x", ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static void writeData(FileChannel ch, Tensor t, ByteBuffer buf) throws IOException {
        int n = (int) t.numel();
        if (n == 0) {
            return;
        }
        Object array;
        int from;
        if (t.device().isCpu() && t.isContiguous() && t.storage() instanceof CpuStorage) {
            array = ((CpuStorage) t.storage()).array();
            from = (int) t.storageOffset();
        } else {
            array = hostCopy(t);
            from = 0;
        }
        DType dtype = t.dtype();
        int per = buf.capacity() / dtype.byteSize();
        for (int done = 0; done < n; ) {
            int k = Math.min(per, n - done);
            buf.clear();
            switch (dtype) {
                case FLOAT32:
                    buf.asFloatBuffer().put((float[]) array, from + done, k);
                    break;
                case FLOAT64:
                    buf.asDoubleBuffer().put((double[]) array, from + done, k);
                    break;
                case INT64:
                    buf.asLongBuffer().put((long[]) array, from + done, k);
                    break;
                default:
                    boolean[] b = (boolean[]) array;
                    for (int i = 0; i < k; i++) {
                        buf.put(i, b[from + done + i] ? (byte) 1 : (byte) 0);
                    }
            }
            buf.limit(k * dtype.byteSize());
            writeFully(ch, buf);
            done += k;
        }
    }

    /** A contiguous CPU copy of the elements, for tensors that are strided or on another device. */
    private static Object hostCopy(Tensor t) {
        switch (t.dtype()) {
            case FLOAT32:
                return t.toFloatArray();
            case FLOAT64:
                return t.toDoubleArray();
            case INT64:
                return t.toLongArray();
            default:
                return t.toBooleanArray();
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    // ================================================================ loading

    /**
     * Loads every tensor of a safetensors file, in the order its header lists them (for a file
     * Nabla wrote, the order of the saved state dict).
     *
     * @return a {@link LinkedHashMap} from name to a contiguous CPU tensor, with F16/BF16 data
     *     as FLOAT32 and narrower integers as INT64
     * @throws SafeTensorsFormatException if the file breaks the format or holds a dtype Nabla
     *     cannot load; the message names the file and the offending key
     * @throws IOException if the file cannot be read, or a tensor does not fit in the Java heap
     *     (the message names the tensor and the bytes it needs)
     */
    public static Map<String, Tensor> load(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long headerBytes = headerLength(file, ch);
            Header header = readHeader(file, ch, headerBytes);
            long dataStart = 8 + headerBytes;
            long largest = 8;
            for (Header.Entry e : header.entries) {
                largest = Math.max(largest, e.end() - e.begin());
            }
            ByteBuffer buf = chunk(largest);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Header.Entry e : header.entries) {
                out.put(e.name(), readTensor(file, ch, dataStart, e, buf));
            }
            return out;
        }
    }

    /**
     * The header's {@code __metadata__} strings, in the file's order; empty if it has none.
     * Reads and validates the header only, not the tensors' data.
     *
     * @throws SafeTensorsFormatException if the header breaks the format, naming the file and key
     * @throws IOException if the file cannot be read
     */
    public static Map<String, String> metadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new LinkedHashMap<>(readHeader(file, ch, headerLength(file, ch)).metadata);
        }
    }

    /** The header's length, checked against the file's size and the format's bound before anything is allocated. */
    private static long headerLength(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new SafeTensorsFormatException(file, null, "the file is " + size
                    + " bytes long, too short for the 8-byte header length that starts a safetensors file");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, len, 0);
        long n = len.getLong(0);
        if (n < 0 || n > Header.MAX_HEADER_BYTES) {
            throw new SafeTensorsFormatException(file, null, "the header length " + Long.toUnsignedString(n)
                    + " is absurd: the format allows at most " + Header.MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw new SafeTensorsFormatException(file, null, "the header length " + n + " runs past the end of the file ("
                    + size + " bytes)");
        }
        return n;
    }

    /**
     * Parses the header straight from the file through a strict UTF-8 decoder, so that a header
     * of up to the format's 100 MB costs the memory of what it describes, not of its text.
     */
    private static Header readHeader(Path file, FileChannel ch, long headerBytes) throws IOException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        Reader text = new InputStreamReader(new RegionStream(file, ch, 8, headerBytes), utf8);
        try {
            return Header.parse(file, text, ch.size() - 8 - headerBytes);
        } catch (OutOfMemoryError oom) {
            // A header within the bound can still describe more than a small heap holds (a single
            // string of 90 MB, a million tensors); what the parse built is garbage now.
            Runtime rt = Runtime.getRuntime();
            throw new IOException(file + ": the header (" + headerBytes + " bytes) describes more than the Java heap can"
                    + " hold (maximum " + rt.maxMemory() + " bytes): its names, shapes and metadata strings alone do not"
                    + " fit; give the JVM more heap (-Xmx)");
        }
    }

    /** The bytes {@code [from, from + length)} of a channel, read at their positions. */
    private static final class RegionStream extends InputStream {
        private final Path file;
        private final FileChannel ch;
        private long position;
        private final long end;

        RegionStream(Path file, FileChannel ch, long from, long length) {
            this.file = file;
            this.ch = ch;
            this.position = from;
            this.end = from + length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= end) {
                return -1;
            }
            int n = (int) Math.min(len, end - position);
            ByteBuffer into = ByteBuffer.wrap(b, off, n);
            int r = ch.read(into, position);
            if (r < 0) {
                throw new EOFException(file + ": the file ended at byte " + position + " while reading its header; was it"
                        + " truncated while being read?");
            }
            position += r;
            return r;
        }
    }

    /**
     * A new array for {@code e}'s elements, or an error naming the tensor and its size where the
     * heap cannot hold it, rather than an {@link OutOfMemoryError} that could strike anywhere.
     */
    private static Object allocate(Path file, Header.Entry e) throws IOException {
        DType dtype = e.dtype().loadsAs;
        long bytes = e.numel() * dtype.byteSize();
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap) {
            throw tooLarge(file, e, bytes);
        }
        int n = (int) e.numel();
        try {
            switch (dtype) {
                case FLOAT32:
                    return new float[n];
                case FLOAT64:
                    return new double[n];
                case INT64:
                    return new long[n];
                default:
                    return new boolean[n];
            }
        } catch (OutOfMemoryError oom) {
            // Only this one array was being allocated, and it was not: nothing else is left half-made.
            throw tooLarge(file, e, bytes);
        }
    }

    private static IOException tooLarge(Path file, Header.Entry e, long bytes) {
        Runtime rt = Runtime.getRuntime();
        return new IOException(file + ": tensor '" + e.name() + "' (" + e.dtype() + " " + Arrays.toString(e.shape())
                + ", loaded as " + e.dtype().loadsAs + ") needs " + bytes + " bytes, which the Java heap cannot hold (maximum "
                + rt.maxMemory() + " bytes, " + (rt.totalMemory() - rt.freeMemory()) + " in use); give the JVM more heap"
                + " (-Xmx) or load fewer tensors at once");
    }

    private static Tensor readTensor(Path file, FileChannel ch, long dataStart, Header.Entry e, ByteBuffer buf)
            throws IOException {
        SafeDType type = e.dtype();
        int n = (int) e.numel();
        Object array = allocate(file, e);
        CpuStorage storage;
        switch (type.loadsAs) {
            case FLOAT32:
                storage = CpuStorage.wrap((float[]) array);
                break;
            case FLOAT64:
                storage = CpuStorage.wrap((double[]) array);
                break;
            case INT64:
                storage = CpuStorage.wrap((long[]) array);
                break;
            default:
                storage = CpuStorage.wrap((boolean[]) array);
        }
        int per = buf.capacity() / type.byteSize;
        long position = dataStart + e.begin();
        for (int done = 0; done < n; ) {
            int k = Math.min(per, n - done);
            buf.clear().limit(k * type.byteSize);
            readFully(file, ch, buf, position);
            position += (long) k * type.byteSize;
            decode(file, e, buf, type, array, done, k);
            done += k;
        }
        long[] shape = e.shape().clone();
        return TensorAccess.get().make(storage, shape, Shapes.contiguousStrides(shape), 0);
    }

    /** Converts {@code k} elements of {@code type} at the start of {@code buf} into {@code array[at ..]}. */
    private static void decode(Path file, Header.Entry e, ByteBuffer buf, SafeDType type, Object array, int at, int k)
            throws SafeTensorsFormatException {
        switch (type) {
            case F32:
                buf.asFloatBuffer().get((float[]) array, at, k);
                break;
            case F64:
                buf.asDoubleBuffer().get((double[]) array, at, k);
                break;
            case I64:
                buf.asLongBuffer().get((long[]) array, at, k);
                break;
            case F16: {
                float[] a = (float[]) array;
                for (int i = 0; i < k; i++) {
                    a[at + i] = Half.toFloat(buf.getShort(2 * i));
                }
                break;
            }
            case BF16: {
                float[] a = (float[]) array;
                for (int i = 0; i < k; i++) {
                    a[at + i] = Float.intBitsToFloat(buf.getShort(2 * i) << 16);
                }
                break;
            }
            case I32:
            case U32: {
                long[] a = (long[]) array;
                long mask = type == SafeDType.U32 ? 0xFFFF_FFFFL : -1L;
                for (int i = 0; i < k; i++) {
                    a[at + i] = buf.getInt(4 * i) & mask;
                }
                break;
            }
            case I16:
            case U16: {
                long[] a = (long[]) array;
                long mask = type == SafeDType.U16 ? 0xFFFFL : -1L;
                for (int i = 0; i < k; i++) {
                    a[at + i] = buf.getShort(2 * i) & mask;
                }
                break;
            }
            case I8:
            case U8: {
                long[] a = (long[]) array;
                long mask = type == SafeDType.U8 ? 0xFFL : -1L;
                for (int i = 0; i < k; i++) {
                    a[at + i] = buf.get(i) & mask;
                }
                break;
            }
            case BOOL: {
                boolean[] a = (boolean[]) array;
                for (int i = 0; i < k; i++) {
                    byte v = buf.get(i);
                    if (v != 0 && v != 1) {
                        throw new SafeTensorsFormatException(file, e.name(), "BOOL element " + (at + i) + " is the byte "
                                + (v & 0xFF) + "; a BOOL is stored as 0 or 1");
                    }
                    a[at + i] = v == 1;
                }
                break;
            }
            default:
                throw new IllegalStateException("no decoder for " + type + ", which the header check admits");
        }
    }

    private static void readFully(Path file, FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, at);
            if (r < 0) {
                throw new EOFException(file + ": the file ended at byte " + at + " while reading; was it truncated"
                        + " while being read?");
            }
            at += r;
        }
        buf.flip();
    }

    /** A little-endian transfer buffer no larger than needed, a multiple of 8 bytes. */
    private static ByteBuffer chunk(long needed) {
        int size = (int) Math.min(CHUNK_BYTES, (needed + 7) & ~7L);
        return ByteBuffer.allocateDirect(Math.max(size, 8)).order(ByteOrder.LITTLE_ENDIAN);
    }
}
