package dev.nabla.backend.cpu;

/**
 * The pure-Java matrix product: rows of C split across threads, the k and n loops blocked so
 * that a panel of B stays in cache, and an inner loop over contiguous rows that the JIT
 * vectorises. A transposed B is first copied to row-major so the inner loop stays unit-stride.
 *
 * <p>A template: the build writes each float method between {@code // @twin} lines again for
 * double (runtime/src/build/TwinKernels.java), so each kernel is written once.
 */
final class JavaGemm {
    private static final int KC = 256;
    private static final int NC = 1024;

    private JavaGemm() {}

    // @twin
    /** {@code C = op(A) * op(B)}, or {@code C += op(A) * op(B)} when accumulating. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        if (transB) {
            float[] bt = new float[k * n];
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    bt[p * n + j] = b[bOff + j * ldb + p];
                }
            }
            b = bt;
            bOff = 0;
            ldb = n;
        }
        final float[] bb = b;
        final int bo = bOff;
        final int lb = ldb;
        Parallel.forRange(m, Math.max(1, (1L << 18) / Math.max(1, (long) n * k) + 1), (from, to) -> {
            if (!accumulate) {
                for (int i = (int) from; i < to; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            for (int p0 = 0; p0 < k; p0 += KC) {
                int p1 = Math.min(k, p0 + KC);
                for (int j0 = 0; j0 < n; j0 += NC) {
                    int j1 = Math.min(n, j0 + NC);
                    for (int i = (int) from; i < to; i++) {
                        int ci = cOff + i * ldc;
                        for (int p = p0; p < p1; p++) {
                            float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                            int bp = bo + p * lb;
                            for (int j = j0; j < j1; j++) {
                                c[ci + j] += aip * bb[bp + j];
                            }
                        }
                    }
                }
            }
        });
    }
    // @twin-end
}
