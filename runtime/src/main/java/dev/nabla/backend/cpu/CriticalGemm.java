package dev.nabla.backend.cpu;

import java.io.File;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Matrix products that hand OpenBLAS the Java arrays themselves, through a small JNI library
 * of ours ({@code src/main/c/nabla_gemm.c}, part of {@link NativeCpu}'s library).
 *
 * <p>The library pins the arrays with {@code GetPrimitiveArrayCritical} for the length of the
 * call, so nothing is copied (see Note [Staging through off-heap buffers] in {@link Blas} for
 * what that saves). While a thread holds an array pinned the garbage collector waits, so
 * other threads that need a collection stall for at most one product. It calls
 * {@code cblas_sgemm} / {@code cblas_dgemm} by address.
 *
 * <p>Note [Which OpenBLAS]: by default the products call the system's OpenBLAS (one of
 * {@link #SYSTEM_LIBRARIES}: Debian's and Ubuntu's {@code libopenblas0} packages, the library
 * PyTorch's Debian build uses) where one is installed, and JavaCPP's bundled build otherwise.
 * Both pick their kernels for the CPU at run time, but they wait differently. JavaCPP's is
 * OpenBLAS 0.3.28, whose threads wait for each other, and for the next product, by spinning
 * without yielding the core (OpenBLAS stopped calling {@code sched_yield} on x86_64 in 0.3.27);
 * after each product its worker spins about a tenth of a second more. On a machine whose cores
 * are also busy with anything else (our own elementwise threads between two products, other
 * processes) the spinning thread holds a core the others need. Measured on the 2-core machine
 * with other builds running (C harness, cblas_sgemm on 2 threads, the convolution shapes of the
 * digits CNN, interleaved runs): JavaCPP's 3 to 12 GFLOP/s against the system 0.3.21's 38 to
 * 135; on one thread, where nothing waits, the two are within noise of each other. The system
 * library is opened apart from JavaCPP's ({@code RTLD_LOCAL | RTLD_DEEPBIND}), so neither's
 * symbols shadow the other's.
 * {@code -Dnabla.openblas=bundled} keeps JavaCPP's; {@code -Dnabla.openblas=PATH} opens that
 * library instead of the system's (falling back to JavaCPP's when it cannot).
 *
 * <p>The native code trusts its arguments; {@link Blas} checks every span against its
 * array before calling.
 */
final class CriticalGemm {
    /**
     * Where distributions install the system OpenBLAS (Debian and Ubuntu, per architecture;
     * Fedora; Arch), first found first used. Paths, not the soname {@code libopenblas.so.0}:
     * JavaCPP's copy is loaded under that soname too, and the dynamic linker would hand it back.
     */
    static final List<String> SYSTEM_LIBRARIES = List.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
            "/usr/lib/aarch64-linux-gnu/libopenblas.so.0", "/usr/lib64/libopenblas.so.0", "/usr/lib/libopenblas.so.0");

    private static final String LOAD_ERROR;
    private static final String LIBRARY;
    private static final long SGEMM;
    private static final long DGEMM;
    /** The system library's {@code openblas_set_num_threads}, or 0 when the products call JavaCPP's. */
    private static final long SET_THREADS;

    static {
        String choice = System.getProperty("nabla.openblas", "system");
        String error = null;
        String library = null;
        long[] symbols = null;
        try {
            Loader.load(openblas.class);
            error = NativeCpu.loadError();
            if (error == null) {
                List<String> candidates = choice.equals("system") ? SYSTEM_LIBRARIES
                        : choice.equals("bundled") ? List.of() : List.of(choice);
                for (String path : candidates) {
                    symbols = new File(path).isFile() ? openLibrary(path) : null;
                    if (symbols != null) {
                        library = path + ": " + config(symbols[3]);
                        break;
                    }
                }
                if (symbols == null) {
                    symbols = new long[] {address("cblas_sgemm"), address("cblas_dgemm"), 0};
                    library = "JavaCPP's OpenBLAS: " + config(address("openblas_get_config"))
                            + (choice.equals("system") || choice.equals("bundled") ? "" : " (" + choice + " did not load)");
                }
            }
        } catch (Throwable t) {
            error = t.toString();
        }
        LOAD_ERROR = error;
        LIBRARY = error == null ? library : "";
        SGEMM = error == null ? symbols[0] : 0;
        DGEMM = error == null ? symbols[1] : 0;
        SET_THREADS = error == null ? symbols[2] : 0;
    }

    private CriticalGemm() {}

    /** Why the bridge cannot be used, or null when it can. */
    static String loadError() {
        return LOAD_ERROR;
    }

    /** Which OpenBLAS the products call, with its build configuration; empty when the bridge did not load. */
    static String library() {
        return LIBRARY;
    }

    /**
     * Sets the thread count of the OpenBLAS the products call, where that is not JavaCPP's (whose
     * count {@link Blas} sets through JavaCPP).
     */
    static void setThreads(int n) {
        if (SET_THREADS != 0) {
            setThreads(SET_THREADS, n);
        }
    }

    /** The address of {@code symbol} in JavaCPP's OpenBLAS. */
    static long address(String symbol) {
        Pointer p = Loader.addressof(symbol);
        if (p == null || p.isNull()) {
            throw new UnsatisfiedLinkError(symbol + " not found in the loaded OpenBLAS");
        }
        return p.address();
    }

    /** {@code C = op(A) * op(B)}, or {@code C += op(A) * op(B)} when accumulating, row-major, on the arrays in place; spans already checked. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                      boolean accumulate) {
        sgemm(SGEMM, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** {@code C = op(A) * op(B)}, or {@code C += op(A) * op(B)} when accumulating, row-major, on the arrays in place; spans already checked. */
    static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] c, int cOff, int ldc,
                      boolean accumulate) {
        dgemm(DGEMM, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /**
     * Opens the shared library at {@code path}, apart from any other loaded, and returns the addresses of
     * its {@code cblas_sgemm}, {@code cblas_dgemm}, {@code openblas_set_num_threads} and
     * {@code openblas_get_config}, or null when it does not open or lacks one of them.
     */
    static native long[] openLibrary(String path);

    /** Calls an {@code openblas_set_num_threads} by address. */
    private static native void setThreads(long fn, int n);

    /** Calls an {@code openblas_get_config} by address. */
    static native String config(long fn);

    /**
     * {@code C = op(A) * op(B)} ({@code C += op(A) * op(B)} when accumulating: BLAS's beta 1) through
     * the {@code cblas_sgemm} at address {@code fn}; spans already checked.
     */
    static native void sgemm(long fn, boolean transA, boolean transB, int m, int n, int k,
                                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                     float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * {@code C = op(A) * op(B)} ({@code C += op(A) * op(B)} when accumulating: BLAS's beta 1) through
     * the {@code cblas_dgemm} at address {@code fn}; spans already checked.
     */
    static native void dgemm(long fn, boolean transA, boolean transB, int m, int n, int k,
                                     double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                                     double[] c, int cOff, int ldc, boolean accumulate);
}
