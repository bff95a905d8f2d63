package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code gather} and {@code scatterAdd} along the last dimension of contiguous operands (the
 * CPU's row kernels, max pooling's case) against the same ops on a transposed layout of the
 * same values (the strided path), in float32 and float64, with repeated indices so that
 * scatterAdd sums into one element. The values are small integers, so every sum is exact.
 */
class GatherRowsTest {
    private static Tensor integers(DType dtype, long seed, long... shape) {
        Nabla.manualSeed(seed);
        return Tensor.randn(DType.FLOAT64, shape).mul(4).to(DType.INT64).to(dtype);
    }

    /** The same values as {@code t}, stored with its first two dimensions swapped. */
    private static Tensor strided(Tensor t) {
        Tensor s = t.transpose(0, 1).contiguous().transpose(0, 1);
        assertFalse(s.isContiguous());
        return s;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void rowKernelsMatchTheStridedPath(DType dtype) {
        Tensor image = integers(dtype, 1, 5, 3, 12);
        Nabla.manualSeed(2);
        Tensor index = Tensor.rand(5, 3, 7).mul(12).to(DType.INT64);
        assertArrayEquals(strided(image).gather(2, index).toDoubleArray(), image.gather(2, index).toDoubleArray(),
                "gather " + dtype.torchName());
        Tensor values = integers(dtype, 3, 5, 3, 7);
        Tensor into = integers(dtype, 4, 5, 3, 12);
        assertArrayEquals(strided(into).scatterAdd(2, index, strided(values)).toDoubleArray(),
                into.scatterAdd(2, index, values).toDoubleArray(), "scatterAdd " + dtype.torchName());
    }
}
