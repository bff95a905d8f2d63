package dev.nabla.backend.cuda;

import static dev.nabla.DType.FLOAT32;
import static dev.nabla.DType.FLOAT64;
import static dev.nabla.backend.cuda.ParityAssertions.CUDA;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.ACCUMULATING;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.ELEMENTWISE;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameTensor;
import static dev.nabla.backend.cuda.ParityAssertions.place;
import static dev.nabla.backend.cuda.ParityInput.index;
import static dev.nabla.backend.cuda.ParityInput.randn;
import static dev.nabla.backend.cuda.ParityInput.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Autograd;
import dev.nabla.Device;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.autograd.ForwardAD;
import dev.nabla.backend.cuda.ParityAssertions.Tolerance;
import dev.nabla.nn.Functional;
import dev.nabla.nn.TransformerEncoderLayer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward-mode AD on CUDA against the CPU: {@link Autograd#jvp} of the same inputs and tangents
 * on each device gives the same output and the same tangent, the tangent on the GPU (a tangent is
 * an ordinary tensor, so the jvp rules run the device's own kernels). Tolerances as {@link
 * ParityAssertions}': {@code 1e-12} relative in float64 for elementwise results, {@code 1e-10}
 * where terms are summed (reductions, products, convolutions, softmax), {@code 1e-5} in float32.
 * Skipped without a usable CUDA backend.
 */
class ForwardADParityTest {
    @BeforeEach
    void requireCuda() {
        ParityAssertions.assumeCuda();
    }

    /**
     * {@code fn} of the differentiable {@code primals} (each moved along its tangent) followed by
     * {@code constants} (masks, targets), which carry no tangent.
     */
    record Case(String name, Tolerance tolerance, Gradcheck.Fn fn, ParityInput[] primals, ParityInput[] tangents,
            ParityInput... constants) {
        @Override
        public String toString() {
            return name + " of " + Arrays.toString(primals);
        }
    }

    private static Case of(String name, Tolerance tolerance, Gradcheck.Fn fn, ParityInput[] primals,
            ParityInput... constants) {
        ParityInput[] tangents = new ParityInput[primals.length];
        for (int i = 0; i < primals.length; i++) {
            Tensor like = primals[i].on(Device.CPU);
            tangents[i] = randn(like.dtype(), like.shape());
        }
        return new Case(name, tolerance, fn, primals, tangents, constants);
    }

    private static ParityInput[] in(ParityInput... inputs) {
        return inputs;
    }

    static Stream<Case> cases() {
        ParityInput.reseed("ForwardADParityTest");
        return Stream.of(
                of("pointwise, broadcast and transposed", ELEMENTWISE,
                        t -> t[0].sin().mul(t[1]).add(t[0].exp()).div(t[1].mul(t[1]).add(1)).tanh(),
                        in(randn(FLOAT64, 4, 3).t(), randn(FLOAT64, 4))),
                of("pointwise float32", ELEMENTWISE, t -> t[0].sigmoid().mul(t[1].log()).sqrt().neg(),
                        in(uniform(FLOAT32, 0.5, 2, 3, 5), uniform(FLOAT32, 1.5, 3, 3, 5))),
                of("sum over a dimension and mean", ACCUMULATING, t -> t[0].sum(1, false).add(t[0].mean()),
                        in(randn(FLOAT64, 5, 40))),
                of("softmax and logSoftmax", ACCUMULATING, t -> t[0].softmax(-1).add(t[0].logSoftmax(-1)),
                        in(randn(FLOAT64, 3, 7).narrow(1, 1, 5))),
                of("matmul, batched by a matrix", ACCUMULATING, t -> t[0].matmul(t[1]),
                        in(randn(FLOAT64, 2, 3, 4), randn(FLOAT64, 5, 4).t())),
                of("linear (the fused addmm)", ACCUMULATING, t -> Functional.linear(t[0], t[1], t[2]),
                        in(randn(FLOAT64, 6, 4), randn(FLOAT64, 3, 4), randn(FLOAT64, 3))),
                of("conv2d padded, with bias", ACCUMULATING, t -> Functional.conv2d(t[0], t[1], t[2], 1, 1, 1, 1),
                        in(randn(FLOAT64, 2, 3, 5, 6), randn(FLOAT64, 4, 3, 3, 3), randn(FLOAT64, 4))),
                of("conv2d strided, dilated, grouped, of a transposed image", ACCUMULATING,
                        t -> Functional.conv2d(t[0], t[1], null, 2, 2, 2, 2),
                        in(randn(FLOAT64, 2, 4, 7, 6).transpose(2, 3), randn(FLOAT64, 4, 2, 3, 2))),
                of("maxPool2d with padding", ACCUMULATING, t -> Functional.maxPool2d(t[0], 3, 2, 1),
                        in(randn(FLOAT64, 2, 3, 7, 5))),
                of("batchNorm training", ACCUMULATING,
                        t -> Functional.batchNorm(t[0], null, null, t[1], t[2], true, 0.1, 1e-5),
                        in(randn(FLOAT64, 4, 3, 2, 2), randn(FLOAT64, 3), randn(FLOAT64, 3))),
                of("scaledDotProductAttention, causal", ACCUMULATING,
                        t -> Functional.scaledDotProductAttention(t[0], t[1], t[2], null, true),
                        in(randn(FLOAT64, 2, 5, 4), randn(FLOAT64, 2, 5, 4), randn(FLOAT64, 2, 5, 3))),
                of("scaledDotProductAttention, bool mask", ACCUMULATING,
                        t -> Functional.scaledDotProductAttention(t[0], t[1], t[2], t[3], false),
                        in(randn(FLOAT64, 2, 4, 4), randn(FLOAT64, 2, 6, 4), randn(FLOAT64, 2, 6, 3)),
                        ParityInput.of(Tensor.of(true, false, true, true, false, true, false, true, false, false, true, true,
                                true, true, true, false, false, false, false, false, true, true, true, true).reshape(4, 6),
                                "a bool mask keeping some of each row")),
                of("layerNorm and gelu", ACCUMULATING,
                        t -> Functional.gelu(Functional.layerNorm(t[0], new long[] {6}, t[1], t[2], 1e-5)),
                        in(randn(FLOAT64, 3, 6), randn(FLOAT64, 6), randn(FLOAT64, 6))),
                of("crossEntropy with labelSmoothing", ACCUMULATING, t -> Functional.crossEntropy(t[0], t[1], -100, 0.1),
                        in(randn(FLOAT64, 4, 5)), index(new long[] {4, 0, 2, 2}, 4)),
                of("binaryCrossEntropyWithLogits", ACCUMULATING, t -> Functional.binaryCrossEntropyWithLogits(t[0], t[1]),
                        in(randn(FLOAT64, 3, 4), uniform(FLOAT64, 0, 1, 3, 4))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void jvpOnCudaEqualsTheCpus(Case c) {
        Tensor[] cpu = jvp(Device.CPU, c);
        Tensor[] gpu = jvp(CUDA, c);
        assertSameTensor(c + ": output", cpu[0], gpu[0], c.tolerance());
        assertSameTensor(c + ": tangent", cpu[1], gpu[1], c.tolerance());
    }

    private static Tensor[] jvp(Device device, Case c) {
        Tensor[] constants = place(device, c.constants());
        Gradcheck.Fn withConstants = primals -> {
            Tensor[] all = Arrays.copyOf(primals, primals.length + constants.length);
            System.arraycopy(constants, 0, all, primals.length, constants.length);
            return c.fn().apply(all);
        };
        return Autograd.jvp(withConstants, place(device, c.primals()), place(device, c.tangents()));
    }

    @Test
    void tangentsStayOnThePrimalsDevice() {
        ParityInput.reseed("tangentsStayOnThePrimalsDevice");
        ParityInput x = randn(FLOAT64, 3, 4);
        ParityInput u = randn(FLOAT64, 3, 4);
        Tensor onGpu = x.on(CUDA);
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor dual = ForwardAD.makeDual(onGpu, u.on(CUDA));
            assertEquals(CUDA, ForwardAD.tangent(dual).device());
            Tensor y = dual.exp().matmul(dual.t()).sum(0, false);
            assertEquals(CUDA, y.device());
            assertEquals(CUDA, ForwardAD.tangent(y).device(), "an op's tangent is on its output's device");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ForwardAD.makeDual(onGpu, u.on(Device.CPU)));
            assertTrue(e.getMessage().contains("device"), e.getMessage());
        }
        // Autograd.jvp moves a tangent given on the CPU to the input's device, and computes there.
        Tensor[] r = Autograd.jvp(t -> t[0].mul(t[0]), new Tensor[] {onGpu}, new Tensor[] {u.on(Device.CPU)});
        assertEquals(CUDA, r[1].device());
        assertSameTensor("2 x u", x.on(Device.CPU).mul(u.on(Device.CPU)).mul(2), r[1], ELEMENTWISE);
    }

    @Test
    void forwardModeJacobianOnCudaEqualsTheCpus() {
        ParityInput.reseed("forwardModeJacobianOnCudaEqualsTheCpus");
        ParityInput x = randn(FLOAT64, 3);
        ParityInput w = randn(FLOAT64, 4, 3);
        Gradcheck.Fn fn = t -> t[1].matmul(t[0].sin()).softmax(0);
        Tensor cpu = Autograd.jacobian(fn, Autograd.Strategy.FORWARD_MODE, place(Device.CPU, x, w))[0];
        Tensor gpu = Autograd.jacobian(fn, Autograd.Strategy.FORWARD_MODE, place(CUDA, x, w))[0];
        assertSameTensor("d softmax(W sin x) / dx", cpu, gpu, ACCUMULATING);
    }

    @Test
    void transformerEncoderLayerInTrainingOnCudaEqualsTheCpus() {
        ParityInput.reseed("transformerEncoderLayerInTrainingOnCudaEqualsTheCpus");
        ParityInput src = randn(FLOAT64, 2, 5, 8);
        ParityInput u = randn(FLOAT64, 2, 5, 8);
        Tensor[][] results = new Tensor[2][];
        Device[] devices = {Device.CPU, CUDA};
        for (int d = 0; d < 2; d++) {
            // The same initial weights on both devices, and the same dropout masks (drawn on the host).
            Nabla.manualSeed(21);
            TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, 16, 0.1, "gelu", false);
            layer.to(FLOAT64).to(devices[d]);
            results[d] = Autograd.jvp(t -> {
                Nabla.manualSeed(22);
                return layer.forward(t[0], null, true);
            }, new Tensor[] {src.on(devices[d])}, new Tensor[] {u.on(devices[d])});
        }
        assertSameTensor("output", results[0][0], results[1][0], ACCUMULATING);
        assertSameTensor("tangent", results[0][1], results[1][1], ACCUMULATING);
    }
}
