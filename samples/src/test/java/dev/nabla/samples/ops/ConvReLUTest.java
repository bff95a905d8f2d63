package dev.nabla.samples.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.nabla.DType;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.nn.Functional;
import org.junit.jupiter.api.Test;

/**
 * The fused DSL op against the same math composed from {@link Functional}'s built-in
 * convolution: the same output and, from its hand-written backward, the same gradients for the
 * input, the weight and the bias (float64, within 1e-12).
 */
class ConvReLUTest {
    @Test
    void matchesTheBuiltInConvolutionAndItsGradients() {
        Nabla.manualSeed(11);
        Tensor x = Tensor.randn(DType.FLOAT64, 2, 3, 5, 4).requiresGrad(true);
        Tensor w = Tensor.randn(DType.FLOAT64, 4, 3, 3, 3).requiresGrad(true);
        Tensor b = Tensor.randn(DType.FLOAT64, 4).requiresGrad(true);
        Tensor gradOut = Tensor.randn(DType.FLOAT64, 2, 4, 5, 4);

        Tensor fused = ConvReLUFunction.apply(x, w, b);
        fused.backward(gradOut);
        Tensor[] fusedGrads = {x.grad(), w.grad(), b.grad()};
        x.setGrad(null);
        w.setGrad(null);
        b.setGrad(null);
        Tensor composed = Functional.conv2d(x, w, b, 1, 1, 1, 1).relu();
        composed.backward(gradOut);

        assertArrayEquals(composed.toDoubleArray(), fused.toDoubleArray(), 1e-12);
        assertArrayEquals(x.grad().toDoubleArray(), fusedGrads[0].toDoubleArray(), 1e-12, "input");
        assertArrayEquals(w.grad().toDoubleArray(), fusedGrads[1].toDoubleArray(), 1e-12, "weight");
        assertArrayEquals(b.grad().toDoubleArray(), fusedGrads[2].toDoubleArray(), 1e-12, "bias");
    }
}
