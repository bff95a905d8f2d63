package dev.nabla.samples.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import org.junit.jupiter.api.Test;

/** A two-output op whose second output is {@code @NonDiff}. */
class RowMaxTest {
    @Test
    void returnsValuesAndIndicesAndRoutesTheGradientToTheMaximum() {
        Tensor x = Tensor.of(new double[][] {{1, 5, 2}, {7, 0, 3}}).requiresGrad(true);
        RowMax.Result r = RowMaxFunction.apply(x);
        assertArrayEquals(new double[] {5, 7}, r.values().toDoubleArray());
        assertArrayEquals(new long[] {1, 0}, r.indices().toLongArray());
        assertFalse(r.indices().requiresGrad());
        assertEquals("RowMaxBackward", r.values().gradFn().name());
        r.values().mul(Tensor.of(2.0, 3.0)).sum().backward();
        assertArrayEquals(new double[] {0, 2, 0, 3, 0, 0}, x.grad().toDoubleArray());
    }

    @Test
    void valuesMatchFiniteDifferencesToSecondOrder() {
        Nabla.manualSeed(3);
        Tensor x = Tensor.randn(DType.FLOAT64, 3, 4).requiresGrad(true);
        assertTrue(Gradcheck.check(in -> RowMaxFunction.apply(in[0]).values(), x));
        assertTrue(Gradcheck.gradgradcheck(in -> RowMaxFunction.apply(in[0]).values(), x));
    }
}
