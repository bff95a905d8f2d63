package dev.nabla.backend.cpu;

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
 * other threads that need a collection stall for at most one product. It calls the
 * {@code cblas_sgemm} / {@code cblas_dgemm} of the OpenBLAS that JavaCPP loaded, found by
 * address: one library, one thread pool, one thread-count setting.
 *
 * <p>The native code trusts its arguments; {@link Blas} checks every span against its
 * array before calling.
 */
final class CriticalGemm {
    private static final String LOAD_ERROR;
    private static final long SGEMM;
    private static final long DGEMM;

    static {
        String error = null;
        long sgemm = 0;
        long dgemm = 0;
        try {
            Loader.load(openblas.class);
            error = NativeCpu.loadError();
            if (error == null) {
                sgemm = address("cblas_sgemm");
                dgemm = address("cblas_dgemm");
            }
        } catch (Throwable t) {
            error = t.toString();
        }
        LOAD_ERROR = error;
        SGEMM = error == null ? sgemm : 0;
        DGEMM = error == null ? dgemm : 0;
    }

    private CriticalGemm() {}

    /** Why the bridge cannot be used, or null when it can. */
    static String loadError() {
        return LOAD_ERROR;
    }

    private static long address(String symbol) {
        Pointer p = Loader.addressof(symbol);
        if (p == null || p.isNull()) {
            throw new UnsatisfiedLinkError(symbol + " not found in the loaded OpenBLAS");
        }
        return p.address();
    }

    /** {@code C = op(A) * op(B)}, row-major, on the arrays in place; spans already checked. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        sgemm(SGEMM, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    /** {@code C = op(A) * op(B)}, row-major, on the arrays in place; spans already checked. */
    static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] c, int cOff, int ldc) {
        dgemm(DGEMM, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    private static native void sgemm(long fn, boolean transA, boolean transB, int m, int n, int k,
                                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                     float[] c, int cOff, int ldc);

    private static native void dgemm(long fn, boolean transA, boolean transB, int m, int n, int k,
                                     double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                                     double[] c, int cOff, int ldc);
}
