package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nabla.DType;
import dev.nabla.Grad;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.backend.Window;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU's convolution kernels ({@code ConvKernels}, through {@link ConvolutionFunction}) against
 * the composed convolution ({@link Convolution#unfolded}: im2col, one product, differentiated
 * step by step): the output and the three gradients agree in float64 within 1e-12 relative, and
 * in float32 within 1e-5, over shapes that take each of the kernels' paths. The paths: one image
 * per block and several (a block's columns fill 64K elements, and no block holds more than a
 * thread's share of the images), a last block with fewer images, rows that join (stride 1, a
 * "same" width) and rows that do not (stride, dilation, no padding), a bias or none, and each
 * subset of wanted gradients.
 */
class ConvolutionFunctionTest {
    static Stream<Arguments> shapes() {
        return Stream.of(
                // name, N, C, H, W, O, kernel, stride, padding, dilation
                Arguments.of("digits first layer: many images a block", 64, 1, 8, 8, 32, 3, 1, 1, 1),
                Arguments.of("digits second layer: rows join", 9, 32, 8, 8, 16, 3, 1, 1, 1),
                Arguments.of("one image a block, odd batch", 5, 40, 12, 10, 6, 3, 1, 1, 1),
                Arguments.of("strided", 7, 3, 9, 11, 4, 3, 2, 1, 1),
                Arguments.of("dilated", 6, 2, 10, 9, 3, 3, 1, 2, 2),
                Arguments.of("no padding", 3, 4, 6, 7, 5, 2, 1, 0, 1),
                Arguments.of("one image", 1, 3, 5, 5, 2, 3, 1, 1, 1),
                Arguments.of("kernel as large as the padded image", 4, 2, 3, 3, 3, 5, 1, 1, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void kernelsMatchTheComposedConvolutionInFloat64(String name, int n, int c, int h, int w, int o, int k, int stride,
                                                    int padding, int dilation) {
        check(DType.FLOAT64, 1e-12, n, c, h, w, o, k, stride, padding, dilation);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void kernelsMatchTheComposedConvolutionInFloat32(String name, int n, int c, int h, int w, int o, int k, int stride,
                                                    int padding, int dilation) {
        check(DType.FLOAT32, 1e-5, n, c, h, w, o, k, stride, padding, dilation);
    }

    private static void check(DType dtype, double rtol, int n, int c, int h, int w, int o, int k, int stride, int padding,
                              int dilation) {
        Window window = new Window(k, k, stride, stride, padding, padding, dilation, dilation);
        for (int wanted = 1; wanted < 8; wanted++) {
            for (boolean withBias : new boolean[] {true, false}) {
                if (!withBias && (wanted & 4) != 0) {
                    continue;
                }
                Nabla.manualSeed(wanted);
                Tensor x = Tensor.randn(dtype, n, c, h, w).requiresGrad((wanted & 1) != 0);
                Tensor weight = Tensor.randn(dtype, o, c, k, k).requiresGrad((wanted & 2) != 0);
                Tensor bias = withBias ? Tensor.randn(dtype, o).requiresGrad((wanted & 4) != 0) : null;
                Tensor gradOut = Tensor.randn(dtype, n, o, window.outH(h), window.outW(w));

                Tensor fused = new ConvolutionFunction(window).apply(x, weight, bias)[0];
                Tensor[] fusedGrads = grads(fused, gradOut, x, weight, bias);
                Tensor composed = Convolution.unfolded(x, weight, bias, window, 1);
                Tensor[] composedGrads = grads(composed, gradOut, x, weight, bias);

                String what = dtype + ", wanted " + wanted + (withBias ? ", bias" : "");
                close(composed, fused, rtol, "output, " + what);
                for (int i = 0; i < 3; i++) {
                    if (composedGrads[i] == null) {
                        assertNull(fusedGrads[i], "gradient " + i + ", " + what);
                    } else {
                        close(composedGrads[i], fusedGrads[i], rtol, "gradient " + i + ", " + what);
                    }
                }
            }
        }
    }

    /** The gradients of {@code out} (weighted by {@code gradOut}) with respect to those inputs that require one. */
    private static Tensor[] grads(Tensor out, Tensor gradOut, Tensor... inputs) {
        for (Tensor t : inputs) {
            if (t != null) {
                t.setGrad(null);
            }
        }
        out.backward(gradOut);
        Tensor[] grads = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            grads[i] = inputs[i] == null || !inputs[i].requiresGrad() ? null : inputs[i].grad();
        }
        return grads;
    }

    private static void close(Tensor expected, Tensor actual, double rtol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        try (Grad.Scope off = Grad.disabled()) {
            double scale = expected.abs().max().item() + 1;
            double error = expected.sub(actual).abs().max().item();
            assertEquals(0, error / scale, rtol, what);
        }
    }
}
