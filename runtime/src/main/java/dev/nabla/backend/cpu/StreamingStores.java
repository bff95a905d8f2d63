package dev.nabla.backend.cpu;

import dev.nabla.backend.BinaryOp;
import java.lang.reflect.Array;

/**
 * Elementwise {@code add}, {@code sub}, {@code mul} and {@code div} of float32 and float64,
 * with a tensor or a scalar on the right, that write their result with non-temporal
 * ("streaming") stores through {@link NativeCpu}'s library ({@code src/main/c/nabla_stream.c}).
 *
 * <p>Note [Streaming stores]: a plain store reads the cache line it writes into first, so
 * {@code c = a + b} over arrays far larger than the caches moves the old {@code c} through
 * memory as well: four bytes of traffic for every three the op needs. Streaming stores skip
 * that read; the JIT never emits them. They pay off only when the result could not have
 * stayed in the cache anyway, so they are used for results of at least {@link #MIN_BYTES}.
 * Measured on a 2-core EPYC with a 32 MB L3 cache, {@code c = a + b} with 2 threads: 32.8 GB/s
 * against 25.0 for the Java loop at 16M floats (median of 6 interleaved pairs); in C, against
 * a plain vectorised loop, 1.41x at 4M floats, 1.10x at 2M and 0.66x at 1M, where the result
 * fits in the cache. The threshold leaves room for machines with larger caches.
 *
 * <p>{@code -Dnabla.streaming=off} turns them off.
 */
final class StreamingStores {
    /** Results smaller than this are written by the Java loops. */
    static final long MIN_BYTES = 16L << 20;

    /** Rows shorter than this are written by the Java loops: a native call would cost more. */
    static final int MIN_ROW = 1024;

    private static final String UNAVAILABLE;
    private static volatile boolean enabled;

    static {
        String error = NativeCpu.loadError();
        if (error == null && !supported()) {
            error = "this CPU has no AVX";
        }
        if (error == null && System.getProperty("nabla.streaming", "").equals("off")) {
            error = "disabled by -Dnabla.streaming=off";
        }
        UNAVAILABLE = error;
        enabled = error == null;
    }

    private StreamingStores() {}

    /** Whether an elementwise result of {@code bytes} bytes is written with streaming stores. */
    static boolean worthIt(long bytes) {
        return enabled && bytes >= MIN_BYTES;
    }

    /** Why streaming stores are not in use, or the empty string when they are. */
    static String status() {
        return UNAVAILABLE != null ? UNAVAILABLE : enabled ? "" : "disabled by StreamingStores.setEnabled(false)";
    }

    /**
     * Turns streaming stores on or off, for tests and comparisons.
     *
     * @throws IllegalStateException when enabling them where they are not available
     */
    static void setEnabled(boolean on) {
        if (on && UNAVAILABLE != null) {
            throw new IllegalStateException("streaming stores are not available: " + UNAVAILABLE);
        }
        enabled = on;
    }

    /**
     * {@code c[co + i] = a[ao + i] op b[bo + i * bs]} for {@code i < n}, when this row is one
     * that streaming stores handle: the four arithmetic ops, {@code a} and {@code c}
     * contiguous, {@code b} contiguous or one value ({@code bs == 0}, read once before any
     * store, as the Java loops do), at least {@link #MIN_ROW} elements, and the result either
     * in an array of its own or exactly on top of an operand row (in-place), never partly
     * overlapping one.
     *
     * @return false when the row is not handled here and the caller must run its own loop
     */
    static boolean binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs,
                          float[] c, int co, int cs, int n) {
        if (!accepts(op, a, ao, as, b, bo, bs, c, co, cs, n)) {
            return false;
        }
        floatBinary(op.ordinal(), a, ao, b, bo, bs, c, co, n);
        return true;
    }

    /** The float64 twin of {@link #binary(BinaryOp, float[], int, int, float[], int, int, float[], int, int, int)}. */
    static boolean binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs,
                          double[] c, int co, int cs, int n) {
        if (!accepts(op, a, ao, as, b, bo, bs, c, co, cs, n)) {
            return false;
        }
        doubleBinary(op.ordinal(), a, ao, b, bo, bs, c, co, n);
        return true;
    }

    /**
     * Whether the row is one these kernels handle (see {@code binary}), its spans checked
     * against the arrays (any primitive arrays of one type) before native code sees them.
     */
    private static boolean accepts(BinaryOp op, Object a, int ao, int as, Object b, int bo, int bs,
                                   Object c, int co, int cs, int n) {
        // nabla_stream.c numbers the ops as BinaryOp orders them: ADD, SUB, MUL, DIV.
        boolean handled = enabled && op.ordinal() <= BinaryOp.DIV.ordinal() && as == 1 && (bs == 0 || bs == 1)
                && cs == 1 && n >= MIN_ROW && separate(a, ao, c, co) && (bs == 0 || separate(b, bo, c, co));
        if (handled) {
            checkSpan(Array.getLength(a), ao, n);
            checkSpan(Array.getLength(b), bo, bs == 0 ? 1 : n);
            checkSpan(Array.getLength(c), co, n);
        }
        return handled;
    }

    /**
     * Whether writing {@code c} from {@code x} cannot change an element of {@code x} that is
     * still to be read: different arrays, or the same elements. A vector loop and Java's
     * element-by-element loop then give the same result.
     */
    private static boolean separate(Object x, int xo, Object c, int co) {
        return x != c || xo == co;
    }

    private static void checkSpan(int length, int offset, int n) {
        if (offset < 0 || n < 0 || offset > length - n) {
            throw new IllegalArgumentException("streaming stores: span [" + offset + ", " + ((long) offset + n)
                    + ") outside an array of length " + length);
        }
    }

    private static native boolean supported();

    private static native void floatBinary(int op, float[] a, int ao, float[] b, int bo, int bs, float[] c, int co, int n);

    private static native void doubleBinary(int op, double[] a, int ao, double[] b, int bo, int bs, double[] c, int co, int n);
}
