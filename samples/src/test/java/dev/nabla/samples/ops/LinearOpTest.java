package dev.nabla.samples.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 001's linear function: values and gradients equal those of the same expression written
 * with built-in ops (float64, to 1e-12), and match finite differences (gradcheck's defaults).
 */
class LinearOpTest {
    private Tensor input;
    private Tensor weight;
    private Tensor bias;

    @BeforeEach
    void inputs() {
        Nabla.manualSeed(1);
        input = Tensor.randn(DType.FLOAT64, 5, 3).requiresGrad(true);
        weight = Tensor.randn(DType.FLOAT64, 4, 3).requiresGrad(true);
        bias = Tensor.randn(DType.FLOAT64, 4).requiresGrad(true);
    }

    @Test
    void agreesWithBuiltInOps() {
        Tensor y = LinearOpFunction.apply(input, weight, bias);
        assertEquals("LinearOpBackward", y.gradFn().name());
        y.mul(y).sum().backward();
        double[] gi = input.grad().toDoubleArray();
        double[] gw = weight.grad().toDoubleArray();
        double[] gb = bias.grad().toDoubleArray();
        Tensor i2 = input.detach().requiresGrad(true);
        Tensor w2 = weight.detach().requiresGrad(true);
        Tensor b2 = bias.detach().requiresGrad(true);
        Tensor ref = i2.mm(w2.t()).add(b2);
        assertArrayEquals(ref.toDoubleArray(), y.toDoubleArray(), 1e-12);
        ref.mul(ref).sum().backward();
        assertArrayEquals(i2.grad().toDoubleArray(), gi, 1e-12);
        assertArrayEquals(w2.grad().toDoubleArray(), gw, 1e-12);
        assertArrayEquals(b2.grad().toDoubleArray(), gb, 1e-12);
    }

    @Test
    void passesGradcheckWithAndWithoutBias() {
        assertTrue(Gradcheck.check(in -> LinearOpFunction.apply(in[0], in[1], in[2]), input, weight, bias));
        assertTrue(Gradcheck.gradgradcheck(in -> LinearOpFunction.apply(in[0], in[1], in[2]), input, weight, bias));
        assertTrue(Gradcheck.check(in -> LinearOpFunction.apply(in[0], in[1], null), input, weight));
    }

    @Test
    void computesOnlyTheGradientsThatAreNeeded() {
        Tensor frozen = input.detach();
        LinearOpFunction.apply(frozen, weight, null).sum().backward();
        assertNull(frozen.grad());
        assertArrayEquals(new long[] {4, 3}, weight.grad().shape());
    }

    @Test
    void rejectsMismatchedShapesNamingTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinearOpFunction.apply(input, Tensor.randn(DType.FLOAT64, 4, 2), bias));
        assertEquals("LinearOp: parameter 'weight' has shape [4, 2] but @Shape(\"o,i\") expects [o, 3]", e.getMessage());
    }
}
