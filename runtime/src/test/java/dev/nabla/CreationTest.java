package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Factories: from Java arrays, constants, ranges, and seeded random samples. */
class CreationTest {
    // ---------------------------------------------------------------- seeding

    private static double[] sampleAll() {
        return concat(
                Tensor.randn(3, 4).toDoubleArray(),
                Tensor.rand(5).toDoubleArray(),
                Tensor.randn(DType.FLOAT64, 4).toDoubleArray(),
                Tensor.zeros(6).uniform_(-2, 3).toDoubleArray(),
                Tensor.zeros(DType.FLOAT64, 6).normal_(5, 0.1).toDoubleArray(),
                Tensor.randnLike(Tensor.zeros(2)).toDoubleArray());
    }

    private static double[] concat(double[]... parts) {
        return Arrays.stream(parts).flatMapToDouble(Arrays::stream).toArray();
    }

    @Test
    void manualSeedMakesEverySamplerReproducible() {
        Nabla.manualSeed(42);
        double[] first = sampleAll();
        Nabla.manualSeed(42);
        double[] again = sampleAll();
        assertArrayEquals(first, again);

        Nabla.manualSeed(43);
        assertFalse(Arrays.equals(first, sampleAll()), "another seed gives other samples");
    }

    @Test
    void samplesContinueTheSequenceRatherThanRepeat() {
        Nabla.manualSeed(7);
        double[] a = Tensor.randn(8).toDoubleArray();
        double[] b = Tensor.randn(8).toDoubleArray();
        assertFalse(Arrays.equals(a, b));
        assertEquals(8, Arrays.stream(a).distinct().count(), "no repeated samples");
    }

    @Test
    void eachSamplerIsReproducibleOnItsOwn() {
        checkReproducible(() -> Tensor.randn(16));
        checkReproducible(() -> Tensor.rand(DType.FLOAT64, 16));
        checkReproducible(() -> Tensor.zeros(4, 4).uniform_(-1, 1));
        checkReproducible(() -> Tensor.zeros(DType.FLOAT64, 16).normal_(2, 3));
        checkReproducible(() -> Tensor.zeros(4, 4).t().normal_(0, 1));
    }

    private static void checkReproducible(Supplier<Tensor> sampler) {
        Nabla.manualSeed(2024);
        double[] a = sampler.get().toDoubleArray();
        Nabla.manualSeed(2024);
        assertArrayEquals(a, sampler.get().toDoubleArray());
    }

    // ---------------------------------------------------------------- distributions

    /** 100k samples: the standard errors are 0.0032 for the mean and 0.0022 for the standard deviation. */
    private static final int N = 100_000;

    /** Six standard errors or more, so that a correct sampler fails for no seed one will ever try. */
    private static final double TOL = 0.02;

    private static double mean(double[] v) {
        return Arrays.stream(v).sum() / v.length;
    }

    private static double std(double[] v) {
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
    }

    @Test
    void randnIsStandardNormal() {
        Nabla.manualSeed(1);
        Tensor t = Tensor.randn(N);
        assertEquals(DType.FLOAT32, t.dtype());
        double[] v = t.toDoubleArray();
        assertEquals(0.0, mean(v), TOL, "mean");
        assertEquals(1.0, std(v), TOL, "std");
        long within1 = Arrays.stream(v).filter(x -> Math.abs(x) < 1).count();
        assertEquals(0.6827, within1 / (double) N, TOL, "share within one standard deviation");

        double[] d = Tensor.randn(DType.FLOAT64, N).toDoubleArray();
        assertEquals(0.0, mean(d), TOL);
        assertEquals(1.0, std(d), TOL);
    }

    @Test
    void randIsUniformOnZeroOne() {
        Nabla.manualSeed(2);
        double[] v = Tensor.rand(N).toDoubleArray();
        assertTrue(Arrays.stream(v).allMatch(x -> x >= 0 && x < 1), "samples in [0, 1)");
        assertEquals(0.5, mean(v), TOL / 2);
        assertEquals(Math.sqrt(1.0 / 12), std(v), TOL / 2);
    }

    @Test
    void uniformAndNormalInPlaceUseTheirParameters() {
        Nabla.manualSeed(3);
        double[] u = Tensor.zeros(DType.FLOAT64, N).uniform_(-2, 6).toDoubleArray();
        assertTrue(Arrays.stream(u).allMatch(x -> x >= -2 && x < 6));
        assertEquals(2.0, mean(u), 4 * TOL);
        double[] n = Tensor.zeros(N).normal_(10, 0.5).toDoubleArray();
        assertEquals(10.0, mean(n), TOL);
        assertEquals(0.5, std(n), TOL);
        double[] c = Tensor.zeros(3).uniform_(1.5, 1.5).toDoubleArray();
        assertArrayEquals(new double[] {1.5, 1.5, 1.5}, c);
    }

    @Test
    void samplingIntoAViewFillsOnlyTheView() {
        Nabla.manualSeed(4);
        Tensor base = Tensor.zeros(4, 5);
        base.narrow(1, 1, 2).uniform_(1, 2);
        double[] v = base.toDoubleArray();
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 5; j++) {
                double x = v[i * 5 + j];
                assertTrue(j == 1 || j == 2 ? x >= 1 && x < 2 : x == 0, "element " + i + "," + j + " = " + x);
            }
        }
    }

    // ---------------------------------------------------------------- constants and ranges

    @Test
    void arangeIsInt64UnlessAsked() {
        Tensor a = Tensor.arange(5);
        assertEquals(DType.INT64, a.dtype());
        assertArrayEquals(new long[] {5}, a.shape());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, a.toLongArray());
        assertEquals(DType.FLOAT32, Tensor.arange(DType.FLOAT32, 3).dtype());
        assertArrayEquals(new double[] {0, 1, 2}, Tensor.arange(DType.FLOAT64, 3).toDoubleArray());
        assertArrayEquals(new long[] {0}, Tensor.arange(0).shape());
    }

    @Test
    void constantsHaveTheRequestedDTypeAndShape() {
        assertEquals(DType.FLOAT32, Tensor.zeros(2, 3).dtype());
        assertEquals(DType.FLOAT32, Tensor.ones(2).dtype());
        assertEquals(DType.FLOAT32, Tensor.full(1.5, 2).dtype());
        for (DType dtype : DType.values()) {
            Tensor z = Tensor.zeros(dtype, 2, 3);
            assertEquals(dtype, z.dtype());
            assertArrayEquals(new long[] {2, 3}, z.shape());
            assertArrayEquals(new double[6], z.toDoubleArray());
            assertEquals(dtype, Tensor.ones(dtype, 4).dtype());
            assertArrayEquals(new double[] {1, 1, 1, 1}, Tensor.ones(dtype, 4).toDoubleArray());
            assertEquals(dtype, Tensor.full(dtype, 1, 1).dtype());
        }
        assertArrayEquals(new long[] {2, 2}, Tensor.full(DType.INT64, 2.9, 2).toLongArray(), "truncated like torch.full");
        assertArrayEquals(new boolean[] {true, true}, Tensor.full(DType.BOOL, -3, 2).toBooleanArray());
        assertArrayEquals(new double[] {0.1, 0.1}, Tensor.full(DType.FLOAT64, 0.1, 2).toDoubleArray());
        assertArrayEquals(new long[] {}, Tensor.zeros().shape(), "no sizes is a 0-dim tensor");
        assertEquals(1, Tensor.ones().numel());
        assertEquals(0, Tensor.zeros(3, 0).numel());
    }

    @Test
    void likeFactoriesCopyShapeAndDType() {
        Tensor x = Tensor.arange(DType.FLOAT64, 6).reshape(2, 3).t();
        for (Tensor t : new Tensor[] {Tensor.zerosLike(x), Tensor.onesLike(x), Tensor.randnLike(x)}) {
            assertEquals(DType.FLOAT64, t.dtype());
            assertArrayEquals(new long[] {3, 2}, t.shape());
            assertTrue(t.isContiguous());
        }
        assertArrayEquals(new double[6], Tensor.zerosLike(x).toDoubleArray());
        assertEquals(DType.INT64, Tensor.onesLike(Tensor.arange(3)).dtype());
    }

    @Test
    void scalarsAreZeroDimensional() {
        Tensor s = Tensor.scalar(2.5);
        assertEquals(0, s.dim());
        assertEquals(DType.FLOAT32, s.dtype());
        assertEquals(2.5, s.item());
        assertEquals(DType.INT64, Tensor.scalar(DType.INT64, 3).dtype());
    }

    // ---------------------------------------------------------------- from Java arrays

    @Test
    void ofPicksTheDTypeOfTheJavaArray() {
        assertEquals(DType.FLOAT32, Tensor.of(1f, 2f).dtype());
        assertEquals(DType.FLOAT64, Tensor.of(1.0, 2.0).dtype());
        assertEquals(DType.INT64, Tensor.of(1L, 2L).dtype());
        assertEquals(DType.BOOL, Tensor.of(true, false).dtype());
        assertArrayEquals(new long[] {0}, Tensor.of(new float[0]).shape());
    }

    @Test
    void ofCopiesItsArgument() {
        float[] values = {1, 2, 3};
        Tensor t = Tensor.of(values);
        values[0] = 99;
        assertArrayEquals(new float[] {1, 2, 3}, t.toFloatArray());
        double[][] rows = {{1, 2}, {3, 4}};
        Tensor m = Tensor.of(rows);
        rows[1][1] = 99;
        assertArrayEquals(new double[] {1, 2, 3, 4}, m.toDoubleArray());
    }

    @Test
    void ofRowsBuildsAMatrix() {
        Tensor f = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new long[] {2, 3}, f.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, f.toFloatArray());
        Tensor d = Tensor.of(new double[][] {{1}, {2}});
        assertEquals(DType.FLOAT64, d.dtype());
        assertArrayEquals(new long[] {2, 1}, d.shape());
    }

    @Test
    void ofRaggedRowsIsAnError() {
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new float[][] {{1, 2}, {3, 4}, {5}}));
        assertEquals("of: rows must have equal lengths, but row 0 has 2 elements and row 2 has 1", f.getMessage());
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new double[][] {{1}, {2, 3}}));
        assertTrue(d.getMessage().contains("row 1 has 2"), d.getMessage());
    }

    @Test
    void badShapesAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1)).getMessage()
                .contains("negative dimension"));
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(-3));
        assertThrows(IllegalArgumentException.class, () -> Tensor.randn(DType.BOOL, 2));
    }
}
