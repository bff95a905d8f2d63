package dev.nabla.samples.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import org.junit.jupiter.api.Test;

/** Seed 004's MyReLU through its generated function; gradients checked in float64 with eps 1e-6, atol 1e-5. */
class MyReLUTest {
    @Test
    void gradientIsOneWherePositiveAndZeroElsewhere() {
        Tensor x = Tensor.of(-1.5, 0.5, 2.0, -0.1, 3.0).requiresGrad(true);
        Tensor y = MyReLUFunction.apply(x);
        assertArrayEquals(new double[] {0, 0.5, 2.0, 0, 3.0}, y.toDoubleArray());
        assertEquals("MyReLUBackward", y.gradFn().name());
        y.sum().backward();
        assertArrayEquals(new double[] {0, 1, 1, 0, 1}, x.grad().toDoubleArray());
    }

    @Test
    void matchesFiniteDifferencesAsInTheSeed() {
        Nabla.manualSeed(4);
        Tensor x = Tensor.randn(DType.FLOAT64, 8).requiresGrad(true);
        assertTrue(Gradcheck.check(in -> MyReLUFunction.apply(in[0]),
                Gradcheck.Options.defaults().withEps(1e-6).withAtol(1e-5), x));
    }
}
