package dev.nabla.samples.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nabla.Autograd;
import dev.nabla.Gradcheck;
import dev.nabla.Tensor;
import org.junit.jupiter.api.Test;

/** Seed 004's straight-through estimator. */
class BinarizeTest {
    @Test
    void thresholdsForwardAndPassesGradientsStraightThrough() {
        Tensor x = Tensor.of(-1f, 2f, -3f, 4f).requiresGrad(true);
        Tensor y = BinarizeFunction.apply(x);
        assertArrayEquals(new float[] {0, 1, 0, 1}, y.toFloatArray());
        y.sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 1}, x.grad().toFloatArray());
    }

    @Test
    void passesTangentsStraightThroughInForwardModeToo() {
        // Its generated check is disabled, so this is the test of its jvp: the tangent passes
        // unchanged, as the gradient does, and forward and reverse mode agree.
        Tensor[] result = Autograd.jvp(in -> BinarizeFunction.apply(in[0]), new Tensor[] {Tensor.of(-1.0, 2.0, 0.5)},
                new Tensor[] {Tensor.of(0.25, -3.0, 7.0)});
        assertArrayEquals(new double[] {0, 1, 1}, result[0].toDoubleArray());
        assertArrayEquals(new double[] {0.25, -3.0, 7.0}, result[1].toDoubleArray());
    }

    @Test
    void isDeliberatelyNotTheTrueGradient() {
        Tensor x = Tensor.of(-1.0, 2.0).requiresGrad(true);
        assertFalse(Gradcheck.check(in -> BinarizeFunction.apply(in[0]),
                Gradcheck.Options.defaults().withRaiseException(false), x));
    }
}
