package dev.nabla.backend.cuda;

import static dev.nabla.DType.FLOAT32;
import static dev.nabla.DType.FLOAT64;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.ACCUMULATING;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameGradients;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameResult;
import static dev.nabla.backend.cuda.ParityInput.randn;

import dev.nabla.Gradcheck;
import dev.nabla.nn.Functional;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Functional}'s convolutions, poolings and batch norm on CUDA against the CPU, forward
 * and backward (im2col and col2im through the backend's default strided copies on CUDA, the
 * CPU's own kernels on the host), within {@link ParityAssertions}' accumulating tolerance. The
 * images come transposed and narrowed too, so the windows are read through strides and an offset.
 * Skipped without a usable CUDA backend.
 */
class ConvolutionParityTest {
    @BeforeEach
    void requireCuda() {
        ParityAssertions.assumeCuda();
    }

    /** A named computation of some inputs. */
    record Case(String name, Gradcheck.Fn fn, ParityInput... inputs) {
        @Override
        public String toString() {
            return name + " of " + Arrays.toString(inputs);
        }
    }

    static Stream<Case> cases() {
        ParityInput.reseed("ConvolutionParityTest");
        return Stream.of(
                new Case("conv2d padded", t -> Functional.conv2d(t[0], t[1], t[2], 1, 1, 1, 1), randn(FLOAT64, 2, 3, 5, 6),
                        randn(FLOAT64, 4, 3, 3, 3), randn(FLOAT64, 4)),
                new Case("conv2d strided, dilated, grouped, of a transposed image",
                        t -> Functional.conv2d(t[0], t[1], null, 2, 2, 2, 2), randn(FLOAT64, 2, 4, 7, 6).transpose(2, 3),
                        randn(FLOAT64, 4, 2, 3, 2)),
                new Case("conv2d float32 of a narrowed image", t -> Functional.conv2d(t[0], t[1], t[2], 1, 0, 1, 1),
                        randn(FLOAT32, 3, 2, 6, 6).narrow(1, 1, 1), randn(FLOAT32, 5, 1, 3, 3), randn(FLOAT32, 5)),
                new Case("conv1d", t -> Functional.conv1d(t[0], t[1], t[2], 2, 1, 1, 1), randn(FLOAT64, 2, 3, 9),
                        randn(FLOAT64, 4, 3, 3), randn(FLOAT64, 4)),
                new Case("maxPool2d with padding", t -> Functional.maxPool2d(t[0], 3, 2, 1), randn(FLOAT64, 2, 3, 7, 5)),
                new Case("maxPool2d(2), the CPU's straight-line windows", t -> Functional.maxPool2d(t[0], 2, 2, 0),
                        randn(FLOAT32, 3, 4, 8, 6)),
                new Case("maxPool2d(2) of an odd-sized image", t -> Functional.maxPool2d(t[0], 2, 2, 0),
                        randn(FLOAT64, 2, 3, 7, 5)),
                new Case("maxPool2d(2) of a transposed image", t -> Functional.maxPool2d(t[0], 2, 2, 0),
                        randn(FLOAT64, 2, 3, 6, 4).transpose(2, 3)),
                new Case("avgPool2d with padding", t -> Functional.avgPool2d(t[0], 3, 2, 1), randn(FLOAT64, 2, 3, 7, 5)),
                new Case("adaptiveAvgPool2d", t -> Functional.adaptiveAvgPool2d(t[0], 3, 2), randn(FLOAT64, 2, 3, 7, 5)),
                new Case("batchNorm training", t -> Functional.batchNorm(t[0], null, null, t[1], t[2], true, 0.1, 1e-5),
                        randn(FLOAT64, 4, 3, 2, 2), randn(FLOAT64, 3), randn(FLOAT64, 3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forward(Case c) {
        assertSameResult(c.toString(), ACCUMULATING, c.fn(), c.inputs());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backward(Case c) {
        assertSameGradients(c.toString(), ACCUMULATING, c.fn(), c.inputs());
    }
}
