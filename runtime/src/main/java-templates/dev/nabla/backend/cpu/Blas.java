package dev.nabla.backend.cpu;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * General matrix products for the CPU backend: OpenBLAS (the system's where installed, else
 * JavaCPP's build, shipped inside its Maven jar; see Note [Which OpenBLAS] in
 * {@link CriticalGemm}) when a native library loads, and a blocked, multi-threaded pure-Java
 * kernel when none does or when {@code -Dnabla.blas=java} is set.
 *
 * <p>Note [Staging through off-heap buffers]: tensors live in Java arrays. JavaCPP passes a
 * Java array to native code by copying it into freshly allocated memory on every call and
 * back again; at n = 1024 that cost a third of the product. The products therefore take one
 * of two native paths:
 * <ul>
 *   <li><b>Zero-copy</b> (the default where the runtime was built with a C compiler): our
 *       own JNI bridge, {@link CriticalGemm}, pins the arrays and OpenBLAS works on them in
 *       place. Measured at n = 1024: 153 to 169 GFLOP/s, against 118 to 130 with staging.
 *   <li><b>Staged</b>: each thread keeps three off-heap buffers that grow to the largest
 *       product seen; operands are copied in with one bulk copy each and the result copied
 *       out. Reusing the buffers avoids the allocation and page faults of JavaCPP's own
 *       array copies. {@code -Dnabla.blas=staged} forces this path.
 * </ul>
 *
 * <p>All matrices are row-major; a {@code trans} flag means the stored matrix is the
 * transpose of the operand.
 *
 * <p>A template: the build writes each float method and field between {@code // @twin} lines
 * again for double (runtime/src/build/TwinKernels.java), so each is written once.
 */
public final class Blas {
    /** Products with fewer multiply-adds than this run in Java: a native call costs more. */
    static final long NATIVE_MIN_FLOPS = 32L * 32 * 32;

    private static final String LOAD_ERROR;
    private static final String ZERO_COPY_ERROR;
    private static volatile boolean nativeEnabled;
    private static volatile boolean zeroCopyEnabled;

    static {
        String mode = System.getProperty("nabla.blas", "");
        String error = null;
        if (mode.equals("java")) {
            error = "disabled by -Dnabla.blas=java";
        } else {
            try {
                openblas.blas_set_num_threads(Parallel.THREADS);
            } catch (Throwable t) {
                error = t.toString();
            }
        }
        LOAD_ERROR = error;
        nativeEnabled = error == null;
        ZERO_COPY_ERROR = error != null ? error : CriticalGemm.loadError();
        zeroCopyEnabled = ZERO_COPY_ERROR == null && !mode.equals("staged");
        if (ZERO_COPY_ERROR == null) {
            CriticalGemm.setThreads(Parallel.THREADS);
        }
    }

    /**
     * Products with up to this many multiply-adds run on one OpenBLAS thread. Splitting them
     * gains little, and OpenBLAS's waiting workers make them many times slower whenever the
     * cores are busy with anything else (measured: the digits MLP fell from 29k to 1.3k
     * samples/s with two threads on a loaded 2-core machine).
     */
    static final long SINGLE_THREAD_MAX_MACS = 1L << 23;

    /** The thread count both OpenBLAS libraries were last set to; it is process-wide, so we change it only when it differs. */
    private static int blasThreads = Parallel.THREADS;

    private static final ThreadLocal<Staging> STAGING = ThreadLocal.withInitial(Staging::new);

    private Blas() {}

    /** Whether matrix products currently go through the native OpenBLAS. */
    public static boolean isNative() {
        return nativeEnabled;
    }

    /** Why the native library is not in use, or the empty string when it is. */
    public static String nativeStatus() {
        return LOAD_ERROR == null ? (nativeEnabled ? "" : "disabled by Blas.setNativeEnabled(false)") : LOAD_ERROR;
    }

    /** Whether native products work on the tensors' arrays in place rather than on copies. */
    public static boolean isZeroCopy() {
        return nativeEnabled && zeroCopyEnabled;
    }

    /**
     * Which OpenBLAS the zero-copy products call, with its build configuration (for example
     * {@code "libopenblas.so.0: OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64"});
     * the empty string where the bridge did not load. See Note [Which OpenBLAS] in
     * {@code CriticalGemm}: the system's where installed, else JavaCPP's; {@code -Dnabla.openblas}
     * chooses.
     */
    public static String zeroCopyLibrary() {
        return ZERO_COPY_ERROR == null ? CriticalGemm.library() : "";
    }

    /** Why the zero-copy bridge cannot be used, or the empty string when it can. */
    public static String zeroCopyStatus() {
        return ZERO_COPY_ERROR == null ? "" : ZERO_COPY_ERROR;
    }

    /**
     * Chooses between the zero-copy and the staged native path, for tests and comparisons.
     *
     * @throws IllegalStateException when enabling a bridge that failed to load
     */
    public static void setZeroCopyEnabled(boolean enabled) {
        if (enabled && ZERO_COPY_ERROR != null) {
            throw new IllegalStateException("the zero-copy BLAS bridge is not available: " + ZERO_COPY_ERROR);
        }
        zeroCopyEnabled = enabled;
    }

    /**
     * Turns the native library on or off, for tests and comparisons.
     *
     * @throws IllegalStateException when enabling a library that failed to load
     */
    public static void setNativeEnabled(boolean enabled) {
        if (enabled && LOAD_ERROR != null) {
            throw new IllegalStateException("OpenBLAS is not available: " + LOAD_ERROR);
        }
        nativeEnabled = enabled;
    }

    // @twin
    /** {@code C[m x n] = op(A)[m x k] * op(B)[k x n]} in float32. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, false);
    }
    // @twin-end

    // @twin
    /**
     * {@code C[m x n] = op(A)[m x k] * op(B)[k x n]} in float32, or with {@code accumulate}
     * {@code C += op(A) * op(B)} (BLAS's beta 1): a sum of products, or a product onto rows that
     * already hold a bias, without a pass of its own over C (with beta 0, OpenBLAS first zeroes C).
     */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        if (!nativeEnabled || (long) m * n * k < NATIVE_MIN_FLOPS) {
            JavaGemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        int aLen = span("A", transA ? k : m, transA ? m : k, lda, aOff, a.length);
        int bLen = span("B", transB ? n : k, transB ? k : n, ldb, bOff, b.length);
        int cLen = span("C", m, n, ldc, cOff, c.length);
        useThreads((long) m * n * k);
        if (zeroCopyEnabled) {
            CriticalGemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        Staging s = STAGING.get();
        FloatPointer pa = s.floats(0, aLen).put(a, aOff, aLen);
        FloatPointer pb = s.floats(1, bLen).put(b, bOff, bLen);
        FloatPointer pc = s.floats(2, cLen);
        // C goes in too where the product adds to it, or where its span has gaps (ldc > n) that the copy back must keep.
        if (accumulate || ldc != n) {
            pc.put(c, cOff, cLen);
        }
        openblas.cblas_sgemm(openblas.CblasRowMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                transB ? openblas.CblasTrans : openblas.CblasNoTrans, m, n, k, 1f, pa, lda, pb, ldb,
                accumulate ? 1f : 0f, pc, ldc);
        pc.get(c, cOff, cLen);
    }
    // @twin-end

    private static synchronized void useThreads(long macs) {
        int wanted = macs <= SINGLE_THREAD_MAX_MACS ? 1 : Parallel.THREADS;
        if (wanted != blasThreads) {
            openblas.blas_set_num_threads(wanted);
            if (ZERO_COPY_ERROR == null) {
                CriticalGemm.setThreads(wanted);
            }
            blasThreads = wanted;
        }
    }

    /**
     * Elements from the first to the last of a row-major {@code rows x cols} matrix with
     * leading dimension {@code ld}, after checking that they lie inside its array: native code
     * must never be handed a span it could overrun.
     */
    private static int span(String name, int rows, int cols, int ld, int off, int arrayLength) {
        long span = rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
        if (ld < cols || off < 0 || off + span > arrayLength) {
            throw new IllegalArgumentException("gemm: matrix " + name + " (" + rows + " x " + cols + ", leading dimension "
                    + ld + ", offset " + off + ") does not fit its array of " + arrayLength + " elements");
        }
        return (int) span;
    }

    /** One thread's reusable off-heap operand buffers. */
    private static final class Staging {
        // @twin
        private final FloatPointer[] floats = new FloatPointer[3];
        // @twin-end

        // @twin
        FloatPointer floats(int slot, int len) {
            FloatPointer p = floats[slot];
            if (p == null || p.capacity() < len) {
                if (p != null) {
                    p.close();
                }
                p = new FloatPointer(Math.max(len, 1024));
                floats[slot] = p;
            }
            return p.position(0);
        }
        // @twin-end
    }
}
