package dev.nabla.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.nn.Functional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward over reverse without {@code createGraph} (a Hessian-vector product's shape) through the
 * ops whose backward has a fused CPU kernel: the output gradient {@code g} carries a tangent
 * {@code v}, and as each of these input gradients is linear in {@code g}, its tangent must be the
 * input gradient for {@code v}. A fused kernel records no tangent, so these backwards must run
 * their tensor ops instead ({@link dev.nabla.internal.FusedBackward}); before, softmax's,
 * LayerNorm's and the convolution's dropped the tangent (float64, within 1e-12).
 */
class FusedBackwardTest {
    static Stream<Arguments> ops() {
        Nabla.manualSeed(3);
        Tensor weight = Tensor.randn(DType.FLOAT64, 4, 3, 3, 3);
        return Stream.of(
                Arguments.of("relu", (UnaryOperator<Tensor>) Tensor::relu),
                Arguments.of("softmax", (UnaryOperator<Tensor>) x -> x.softmax(1)),
                Arguments.of("layerNorm", (UnaryOperator<Tensor>) x -> Functional.layerNorm(x, new long[] {5}, null, null,
                        1e-5)),
                Arguments.of("conv2d", (UnaryOperator<Tensor>) x -> Functional.conv2d(x, weight, null, 1, 1, 1, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void theInputGradientCarriesTheOutputGradientsTangent(String name, UnaryOperator<Tensor> op) {
        Nabla.manualSeed(4);
        Tensor x = Tensor.randn(DType.FLOAT64, 2, 3, 5, 5).requiresGrad(true);
        Tensor out = op.apply(x);
        Tensor g = Tensor.randn(DType.FLOAT64, out.shape());
        Tensor v = Tensor.randn(DType.FLOAT64, out.shape());
        Tensor expected = Autograd.grad(new Tensor[] {out}, new Tensor[] {x}, new Tensor[] {v}, true, false)[0];
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor gradX = Autograd.grad(new Tensor[] {out}, new Tensor[] {x},
                    new Tensor[] {ForwardAD.makeDual(g, v)}, true, false)[0];
            Tensor tangent = ForwardAD.tangent(gradX);
            assertNotNull(tangent, name + ": the input gradient lost the tangent");
            assertEquals(0, tangent.sub(expected).abs().max().item(), 1e-12, name);
        }
    }
}
