package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nabla.backend.Backends;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ReLU's one-pass backward (the CPU's {@code reluBackward}, PyTorch's {@code threshold_backward})
 * against the mask and select it replaces, {@code g.maskedFill(y.le(0), 0)}, bit for bit: on
 * outputs and gradients holding NaN (of either sign), the infinities and both zeros, with
 * contiguous, transposed and expanded operands, in float32 and float64; and through autograd,
 * where the backward without a graph (the kernel) must give what the backward building one (the
 * composed ops) gives.
 */
class ReluBackwardTest {
    private static final double NEGATIVE_NAN = Double.longBitsToDouble(0xfff8000000000001L);

    private static Tensor values(DType dtype, long seed, long... shape) {
        double[] special = {Double.NaN, NEGATIVE_NAN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0d, -0d, 1.5, -2};
        SplittableRandom random = new SplittableRandom(seed);
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextInt(3) == 0 ? special[random.nextInt(special.length)] : random.nextGaussian();
        }
        return Tensor.of(x).to(dtype).reshape(shape);
    }

    /** Each element's bits (float32 widened), so that -0.0 differs from 0.0 and NaNs keep their sign. */
    private static long[] bits(Tensor t) {
        if (t.dtype() == DType.FLOAT32) {
            float[] f = t.toFloatArray();
            long[] b = new long[f.length];
            for (int i = 0; i < f.length; i++) {
                b[i] = Float.floatToRawIntBits(f[i]);
            }
            return b;
        }
        double[] d = t.toDoubleArray();
        long[] b = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            b[i] = Double.doubleToRawLongBits(d[i]);
        }
        return b;
    }

    private static void assertFusedMatchesComposed(String what, Tensor y, Tensor g) {
        Tensor fused = Backends.forDevice(Device.CPU).reluBackward(y, g);
        Tensor composed = g.maskedFill(y.le(0), 0);
        assertArrayEquals(bits(composed), bits(fused), what + " " + y.dtype().torchName());
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void theKernelMatchesTheMaskAndSelectBitForBit(DType dtype) {
        // 70000 elements: more than one parallel chunk.
        Tensor y = values(dtype, 1, 70, 1000);
        assertFusedMatchesComposed("contiguous", y, values(dtype, 2, 70, 1000));
        assertFusedMatchesComposed("transposed gradient", y, values(dtype, 3, 1000, 70).transpose(0, 1));
        assertFusedMatchesComposed("transposed output", values(dtype, 4, 1000, 70).transpose(0, 1), values(dtype, 5, 70, 1000));
        assertFusedMatchesComposed("offset output", values(dtype, 6, 71, 1000).narrow(0, 1, 70), values(dtype, 7, 70, 1000));
        for (double v : new double[] {2.5, -0.0, Double.NaN, NEGATIVE_NAN}) {
            Tensor g = Tensor.scalar(dtype, v).expand(70, 1000);
            assertFusedMatchesComposed("expanded " + v, y, g);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void theBackwardWithoutAGraphMatchesTheComposedOne(DType dtype) {
        Tensor x = values(dtype, 8, 4, 5, 6).requiresGrad(true);
        Tensor y = x.relu();
        Tensor g = values(dtype, 9, 4, 5, 6);
        Tensor fused = Autograd.grad(new Tensor[] {y}, new Tensor[] {x}, new Tensor[] {g}, true, false)[0];
        Tensor composed = Autograd.grad(new Tensor[] {y}, new Tensor[] {x}, new Tensor[] {g}, true, true)[0];
        assertEquals(dtype, fused.dtype());
        assertArrayEquals(bits(composed), bits(fused));
        Tensor ofSum = Autograd.grad(new Tensor[] {y.sum()}, new Tensor[] {x}, null, true, false)[0];
        assertArrayEquals(bits(Tensor.full(dtype, 1, 4, 5, 6).maskedFill(y.le(0), 0)), bits(ofSum), "the gradient of the sum");
    }
}
