package dev.nabla.io;

import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.backend.cpu.CpuStorage;
import dev.nabla.internal.Shapes;
import dev.nabla.internal.TensorAccess;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
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
 * {@code FLOAT64 -> F64}, {@code INT64 -> I64}, {@code BOOL -> BOOL}. The file is written to a
 * temporary file in the same directory and renamed over the target atomically, so a failed
 * save leaves any previous file as it was.
 *
 * <p>Reading: the whole header is validated before any tensor is allocated, and a file that
 * breaks the format is rejected with a {@link SafeTensorsFormatException} naming the file and
 * the offending key. Types without a Nabla counterpart widen without loss: {@code F16} and
 * {@code BF16} load as FLOAT32; {@code I32}, {@code I16}, {@code I8}, {@code U32},
 * {@code U16} and {@code U8} as INT64. {@code U64} and the 8-bit float types are rejected.
 * Loaded tensors are contiguous CPU tensors that do not require grad.
 */
public final class SafeTensors {
    /** Bytes moved per read or write call: large enough to stream at disk speed, small enough to keep. */
    private static final int CHUNK_BYTES = 1 << 20;

    private SafeTensors() {}

    // ================================================================ saving

    /**
     * Saves {@code stateDict} to {@code file}, replacing it atomically if it exists.
     *
     * @param stateDict tensors by name, in the order the file's header lists them; tensors on
     *     another device or not contiguous are saved from contiguous CPU copies
     * @throws IllegalArgumentException if a name or tensor is null, or a tensor is named
     *     {@code "__metadata__"}
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
     * @throws IllegalArgumentException if a name, tensor, metadata key or value is null, or a
     *     tensor is named {@code "__metadata__"}
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
        byte[] header = Header.encode(placed, meta);

        Path target = file.toAbsolutePath();
        Path tmp = createTemp(target);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = chunk(Math.max(at, 8));
                buf.putLong(header.length).flip();
                writeFully(ch, buf);
                writeFully(ch, ByteBuffer.wrap(header));
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
     * A new empty file beside {@code target}, so that the final rename stays on one file
     * system. Created with the default permissions, as the target would be, unlike
     * {@link Files#createTempFile}'s owner-only ones.
     */
    private static Path createTemp(Path target) throws IOException {
        Path dir = target.getParent();
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + target.getFileName() + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
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
     * @throws IOException if the file cannot be read
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

    private static Header readHeader(Path file, FileChannel ch, long headerBytes) throws IOException {
        ByteBuffer json = ByteBuffer.allocate((int) headerBytes);
        readFully(file, ch, json, 8);
        return Header.parse(file, json.array(), ch.size() - 8 - headerBytes);
    }

    private static Tensor readTensor(Path file, FileChannel ch, long dataStart, Header.Entry e, ByteBuffer buf)
            throws IOException {
        SafeDType type = e.dtype();
        int n = (int) e.numel();
        Object array;
        CpuStorage storage;
        switch (type.loadsAs) {
            case FLOAT32:
                float[] f = new float[n];
                array = f;
                storage = CpuStorage.wrap(f);
                break;
            case FLOAT64:
                double[] d = new double[n];
                array = d;
                storage = CpuStorage.wrap(d);
                break;
            case INT64:
                long[] l = new long[n];
                array = l;
                storage = CpuStorage.wrap(l);
                break;
            default:
                boolean[] b = new boolean[n];
                array = b;
                storage = CpuStorage.wrap(b);
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
