package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Exact checks of dtype conversions, where the reference test's float tolerance would hide a wrong rounding. */
class ConversionTest {
    @Test
    void int64ToFloat32RoundsOnceLikeACast() {
        long[] values = {(1L << 60) + (1L << 36) + 1, -((1L << 60) + (1L << 36) + 1), (1L << 24) + 1, 123_456_789L};
        float[] want = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            want[i] = (float) values[i];
        }
        assertEquals((1L << 60) + (1L << 37), (long) want[0], "Java's long-to-float cast rounds once, as C++'s does");
        assertArrayEquals(want, Tensor.of(values).to(DType.FLOAT32).toFloatArray());
        assertArrayEquals(want, Tensor.of(values).toFloatArray());
        assertArrayEquals(want, Tensor.of(values).add(Tensor.of(0f)).toFloatArray(), "promotion in a binary op");
    }

    @Test
    void floatingToInt64TruncatesTowardZero() {
        assertArrayEquals(new long[] {-2, -1, 0, 0, 1, 2}, Tensor.of(-2.75, -1.5, -0.5, 0.5, 1.5, 2.99).to(DType.INT64).toLongArray());
        assertArrayEquals(new long[] {-2, 2}, Tensor.of(-2.75f, 2.75f).toLongArray());
    }

    @Test
    void toBoolIsNonZero() {
        assertArrayEquals(new boolean[] {true, false, false, true, true},
                Tensor.of(Float.NaN, 0f, -0f, 1e-30f, Float.NEGATIVE_INFINITY).to(DType.BOOL).toBooleanArray());
        assertArrayEquals(new double[] {1, 0}, Tensor.of(true, false).to(DType.FLOAT64).toDoubleArray());
        assertArrayEquals(new long[] {1, 0}, Tensor.of(true, false).toLongArray());
    }

    @Test
    void float64ToFloat32RoundsToNearest() {
        double[] values = {0.1, 1e300, -1e-300, 1.0000000596046448, Double.NaN};
        float[] want = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            want[i] = (float) values[i];
        }
        assertArrayEquals(want, Tensor.of(values).to(DType.FLOAT32).toFloatArray());
    }
}
