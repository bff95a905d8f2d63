package dev.nabla.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Matrix products through OpenBLAS and through the pure-Java fallback, each against a naive
 * float64 triple loop, over shapes that exercise the blocking edges and transposed operands.
 */
class BlasTest {
    private final boolean nativeAtStart = Blas.isNative();
    private final boolean zeroCopyAtStart = Blas.isZeroCopy();

    @AfterEach
    void restore() {
        if (nativeAtStart) {
            Blas.setNativeEnabled(true);
        }
        if (zeroCopyAtStart) {
            Blas.setZeroCopyEnabled(true);
        }
    }

    private static double[] naive(double[] a, double[] b, int n, int k, int m) {
        double[] c = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[p * m + j];
                }
                c[i * m + j] = s;
            }
        }
        return c;
    }

    private static void check(int n, int k, int m, boolean transposeA, boolean transposeB, DType dtype) {
        Nabla.manualSeed(n * 31L + k * 7L + m);
        Tensor a = transposeA ? Tensor.randn(DType.FLOAT64, k, n).t() : Tensor.randn(DType.FLOAT64, n, k);
        Tensor b = transposeB ? Tensor.randn(DType.FLOAT64, m, k).t() : Tensor.randn(DType.FLOAT64, k, m);
        double[] expected = naive(a.toDoubleArray(), b.toDoubleArray(), n, k, m);
        Tensor c = a.to(dtype).mm(b.to(dtype));
        assertArrayEquals(new long[] {n, m}, c.shape());
        assertEquals(dtype, c.dtype());
        // float32 rounding grows with the inner size k; float64 is exact to ~1e-12.
        double tol = dtype == DType.FLOAT32 ? 1e-5 * Math.sqrt(k) * 4 : 1e-12 * k;
        assertArrayEquals(expected, c.toDoubleArray(), tol + 0.0);
    }

    @ParameterizedTest(name = "java fallback {0}x{1}x{2} transA={3} transB={4}")
    @CsvSource({"1,1,1,false,false", "3,5,7,false,false", "64,64,64,true,false", "65,257,33,false,true",
        "300,270,1030,true,true", "128,600,96,false,false"})
    void javaFallbackMatchesNaive(int n, int k, int m, boolean ta, boolean tb) {
        Blas.setNativeEnabled(false);
        assertFalse(Blas.isNative());
        check(n, k, m, ta, tb, DType.FLOAT64);
        check(n, k, m, ta, tb, DType.FLOAT32);
    }

    @ParameterizedTest(name = "OpenBLAS staged {0}x{1}x{2} transA={3} transB={4}")
    @CsvSource({"40,40,40,false,false", "64,64,64,true,false", "65,257,33,false,true", "300,270,130,true,true",
        "200,100,60,false,true", "20,300,400,true,false"})
    void stagedNativeMatchesNaive(int n, int k, int m, boolean ta, boolean tb) {
        Assumptions.assumeTrue(nativeAtStart, () -> "OpenBLAS did not load: " + Blas.nativeStatus());
        Blas.setZeroCopyEnabled(false);
        assertTrue(Blas.isNative());
        assertFalse(Blas.isZeroCopy());
        check(n, k, m, ta, tb, DType.FLOAT64);
        check(n, k, m, ta, tb, DType.FLOAT32);
    }

    @ParameterizedTest(name = "OpenBLAS zero-copy {0}x{1}x{2} transA={3} transB={4}")
    @CsvSource({"40,40,40,false,false", "64,64,64,true,false", "65,257,33,false,true", "300,270,130,true,true",
        "1,4096,1,false,false", "257,1,300,true,true", "200,100,60,true,false", "20,300,400,false,true",
        "20,300,400,true,true"})
    void zeroCopyNativeMatchesNaive(int n, int k, int m, boolean ta, boolean tb) {
        Assumptions.assumeTrue(zeroCopyAtStart, () -> "zero-copy bridge not in use: " + Blas.zeroCopyStatus());
        check(n, k, m, ta, tb, DType.FLOAT64);
        check(n, k, m, ta, tb, DType.FLOAT32);
    }

    /**
     * With {@code accumulate}, each path adds the product onto what C held (BLAS's beta 1), and
     * without, it overwrites C; in both dtypes, with C at an offset inside a wider array
     * ({@code ldc > n}) whose elements between C's rows stay as they were.
     */
    @ParameterizedTest(name = "accumulate {1} through {0}")
    @CsvSource({"java,true", "staged,true", "zero-copy,true", "java,false", "staged,false", "zero-copy,false"})
    void productsAddOntoOrOverwriteCAndKeepItsGaps(String path, boolean accumulate) {
        Assumptions.assumeTrue(path.equals("java") || nativeAtStart, () -> "OpenBLAS did not load: " + Blas.nativeStatus());
        Assumptions.assumeTrue(!path.equals("zero-copy") || zeroCopyAtStart,
                () -> "zero-copy bridge not in use: " + Blas.zeroCopyStatus());
        Blas.setNativeEnabled(!path.equals("java"));
        if (path.equals("staged")) {
            Blas.setZeroCopyEnabled(false);
        }
        int n = 37;
        int k = 70;
        int m = 45;
        int ldc = m + 3;
        // A seed of each case's own: the staging buffers outlive a call, and must not hand back an earlier case's C.
        Nabla.manualSeed(accumulate ? 11 : 12);
        double[] a = Tensor.randn(DType.FLOAT64, n, k).toDoubleArray();
        double[] bt = Tensor.randn(DType.FLOAT64, m, k).toDoubleArray();
        double[] b = Tensor.of(bt).reshape(m, k).t().contiguous().toDoubleArray();
        double[] start = Tensor.randn(DType.FLOAT64, 2 + n * ldc).toDoubleArray();
        double[] product = naive(a, b, n, k, m);
        double[] expected = start.clone();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                expected[2 + i * ldc + j] = (accumulate ? expected[2 + i * ldc + j] : 0) + product[i * m + j];
            }
        }
        double[] c = start.clone();
        Blas.dgemm(false, true, n, m, k, a, 0, k, bt, 0, k, c, 2, ldc, accumulate);
        assertArrayEquals(expected, c, 1e-12 * k);
        float[] cf = floats(start);
        Blas.sgemm(false, true, n, m, k, floats(a), 0, k, floats(bt), 0, k, cf, 2, ldc, accumulate);
        for (int i = 0; i < cf.length; i++) {
            assertEquals(expected[i], cf[i], 1e-5 * Math.sqrt(k) * 4, "element " + i);
        }
    }

    /** Where the build made the bridge, it must load: a silent fall back to copies would only show as lost speed. */
    @Test
    void zeroCopyBridgeLoadsWhereItWasBuilt() {
        Assumptions.assumeTrue(nativeAtStart, () -> "OpenBLAS did not load: " + Blas.nativeStatus());
        String resource = NativeCpu.resource();
        Assumptions.assumeTrue(NativeCpu.class.getResource(resource) != null,
                () -> resource + " was not built (no C compiler at build time)");
        assertEquals("", Blas.zeroCopyStatus());
        assertTrue(Blas.isZeroCopy());
    }

    /**
     * Note [Which OpenBLAS]: the system's library where it opens, JavaCPP's otherwise, each named
     * with its configuration; a library that does not open, or lacks OpenBLAS's symbols, is no
     * candidate.
     */
    @Test
    void productsCallTheSystemOpenBlasWhereItIsInstalled() {
        Assumptions.assumeTrue(zeroCopyAtStart, () -> "zero-copy bridge not in use: " + Blas.zeroCopyStatus());
        Assumptions.assumeTrue(System.getProperty("nabla.openblas") == null, "the library was chosen by -Dnabla.openblas");
        String system = systemLibrary();
        String expected = system != null ? system + ": OpenBLAS " : "JavaCPP's OpenBLAS: OpenBLAS ";
        assertTrue(Blas.zeroCopyLibrary().startsWith(expected), Blas.zeroCopyLibrary());
        if (system != null) {
            assertNotEquals(CriticalGemm.address("cblas_sgemm"), CriticalGemm.openLibrary(system)[0],
                    "opening the system library gave JavaCPP's copy back");
        }
        assertNull(CriticalGemm.openLibrary("/nonexistent/libopenblas.so.0"));
        assertNull(CriticalGemm.openLibrary("libm.so.6"), "a library without cblas_sgemm");
    }

    /** The first of the system's OpenBLAS paths that opens, or null. */
    private static String systemLibrary() {
        for (String path : CriticalGemm.SYSTEM_LIBRARIES) {
            if (new java.io.File(path).isFile() && CriticalGemm.openLibrary(path) != null) {
                return path;
            }
        }
        return null;
    }

    /** Both libraries the bridge may call, whichever is in use, give the product (float32 and float64, transposed operands). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"system", "bundled"})
    void eachOpenBlasTheBridgeMayCallMultipliesCorrectly(String which) {
        Assumptions.assumeTrue(zeroCopyAtStart, () -> "zero-copy bridge not in use: " + Blas.zeroCopyStatus());
        String path = systemLibrary();
        Assumptions.assumeTrue(which.equals("bundled") || path != null, "no system OpenBLAS installed");
        long[] system = path == null ? null : CriticalGemm.openLibrary(path);
        long sgemm = which.equals("system") ? system[0] : CriticalGemm.address("cblas_sgemm");
        long dgemm = which.equals("system") ? system[1] : CriticalGemm.address("cblas_dgemm");
        int n = 70;
        int k = 130;
        int m = 50;
        Nabla.manualSeed(5);
        double[] a = Tensor.randn(DType.FLOAT64, k, n).toDoubleArray();
        double[] b = Tensor.randn(DType.FLOAT64, m, k).toDoubleArray();
        double[] at = Tensor.of(a).reshape(k, n).t().contiguous().toDoubleArray();
        double[] bt = Tensor.of(b).reshape(m, k).t().contiguous().toDoubleArray();
        double[] expected = naive(at, bt, n, k, m);
        double[] c = new double[n * m];
        CriticalGemm.dgemm(dgemm, true, true, n, m, k, a, 0, n, b, 0, k, c, 0, m, false);
        assertArrayEquals(expected, c, 1e-12 * k);
        float[] cf = new float[n * m];
        CriticalGemm.sgemm(sgemm, true, true, n, m, k, floats(a), 0, n, floats(b), 0, k, cf, 0, m, false);
        for (int i = 0; i < cf.length; i++) {
            assertEquals(expected[i], cf[i], 1e-5 * Math.sqrt(k) * 4, "element " + i);
        }
    }

    private static float[] floats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    /** Operands that are views into the middle of a larger array: offsets and leading dimensions reach native code. */
    @ParameterizedTest(name = "zero-copy={0}")
    @CsvSource({"true", "false"})
    void viewsWithOffsetsAndLeadingDimensions(boolean zeroCopy) {
        Assumptions.assumeTrue(nativeAtStart && (!zeroCopy || zeroCopyAtStart));
        Blas.setZeroCopyEnabled(zeroCopy);
        Nabla.manualSeed(11);
        Tensor big = Tensor.randn(DType.FLOAT64, 90, 120);
        Tensor a = big.narrow(0, 5, 70).narrow(1, 7, 60);        // row-major, leading dimension 120
        Tensor b = big.narrow(0, 10, 80).narrow(1, 50, 60).t();  // column-major view: 60 x 80
        double[] expected = naive(a.contiguous().toDoubleArray(), b.contiguous().toDoubleArray(), 70, 60, 80);
        assertArrayEquals(expected, a.mm(b).toDoubleArray(), 1e-10);
        assertArrayEquals(expected, a.to(DType.FLOAT32).mm(b.to(DType.FLOAT32)).toDoubleArray(), 1e-3);
    }

    @Test
    void spansOutsideTheArrayAreRefusedBeforeNativeCode() {
        Assumptions.assumeTrue(nativeAtStart);
        float[] a = new float[64 * 64];
        float[] c = new float[64 * 64];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Blas.sgemm(false, false, 64, 64, 64, a, 1, 64, a, 0, 64, c, 0, 64));
        assertEquals("gemm: matrix A (64 x 64, leading dimension 64, offset 1) does not fit its array of 4096 elements",
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Blas.sgemm(false, false, 64, 64, 64, a, 0, 32, a, 0, 64, c, 0, 64));
    }

    @ParameterizedTest(name = "non-BLAS layout {0}")
    @CsvSource({"true", "false"})
    void stridedOperandsAreCopiedFirst(boolean useNative) {
        Assumptions.assumeTrue(!useNative || nativeAtStart);
        Blas.setNativeEnabled(useNative);
        Nabla.manualSeed(3);
        Tensor big = Tensor.randn(DType.FLOAT64, 80, 90);
        // Every other column: neither row- nor column-major.
        Tensor a = big.reshape(80, 45, 2).narrow(2, 0, 1).squeeze(2);
        Tensor b = Tensor.randn(DType.FLOAT64, 45, 50);
        double[] expected = naive(a.contiguous().toDoubleArray(), b.toDoubleArray(), 80, 45, 50);
        assertArrayEquals(expected, a.mm(b).toDoubleArray(), 1e-10);
    }
}
