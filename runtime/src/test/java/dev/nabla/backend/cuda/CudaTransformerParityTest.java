package dev.nabla.backend.cuda;

import static dev.nabla.DType.FLOAT32;
import static dev.nabla.DType.FLOAT64;
import static dev.nabla.backend.cuda.ParityAssertions.CUDA;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.ACCUMULATING;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameGradients;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameResult;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameTensor;
import static dev.nabla.backend.cuda.ParityInput.index;
import static dev.nabla.backend.cuda.ParityInput.randn;
import static dev.nabla.backend.cuda.ParityInput.uniform;

import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.nn.Functional;
import dev.nabla.nn.Parameter;
import dev.nabla.nn.TransformerEncoderLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The transformer functions of {@link Functional} and a whole {@link TransformerEncoderLayer} on
 * CUDA against the CPU, forward and backward, in float64 and float32 (tolerances of
 * {@link ParityAssertions}: these ops sum, so {@code ACCUMULATING}). Skipped without CUDA; see
 * {@link CudaTransformerParityOnCpuKernelsTest} for the emulated device.
 */
class CudaTransformerParityTest {
    @BeforeEach
    void requireCuda() {
        ParityAssertions.assumeCuda();
    }

    /** A named function of some inputs. */
    record Case(String name, Gradcheck.Fn fn, ParityInput... inputs) {
        @Override
        public String toString() {
            return name + " of " + Arrays.toString(inputs);
        }
    }

    static Stream<Case> cases() {
        ParityInput.reseed("CudaTransformerParityTest");
        List<Case> cases = new ArrayList<>();
        for (DType dtype : List.of(FLOAT64, FLOAT32)) {
            String t = " " + dtype.torchName();
            ParityInput x = randn(dtype, 4, 6).t();
            cases.add(new Case("gelu" + t, in -> Functional.gelu(in[0].mul(3)), x));
            // Out to where erf saturates (|x / sqrt 2| >= 4) and 1 + erf cancels.
            cases.add(new Case("gelu of large values" + t, in -> Functional.gelu(in[0].mul(10)), x));
            cases.add(new Case("silu" + t, in -> Functional.silu(in[0].mul(3)), x));
            cases.add(new Case("softplus" + t, in -> Functional.softplus(in[0].mul(12)), x));
            cases.add(new Case("layerNorm" + t, in -> Functional.layerNorm(in[0], new long[] {4}, in[1], in[2], 1e-5),
                    randn(dtype, 2, 3, 4), randn(dtype, 4), randn(dtype, 4)));
            cases.add(new Case("embedding" + t, in -> Functional.embedding(in[0], in[1]),
                    index(new long[] {0, 3, 3, 1, 0, 2}, 2, 3), randn(dtype, 5, 4)));
            ParityInput q = randn(dtype, 2, 2, 3, 4);
            ParityInput k = randn(dtype, 2, 2, 5, 4);
            ParityInput v = randn(dtype, 2, 2, 5, 3);
            cases.add(new Case("attention" + t, in -> Functional.scaledDotProductAttention(in[0], in[1], in[2], null, false),
                    q, k, v));
            ParityInput keep = ParityInput.of(Tensor.of(true, false, true, false, false, false, true, true, false, true,
                    false, false, false, false, true).reshape(3, 5), "a mask keeping some keys of every query");
            cases.add(new Case("attention, bool mask" + t, in -> Functional.scaledDotProductAttention(in[0], in[1], in[2],
                    in[3], false), q, k, v, keep));
            cases.add(new Case("attention, float mask" + t, in -> Functional.scaledDotProductAttention(in[0], in[1], in[2],
                    in[3], false), q, k, v, randn(dtype, 3, 5)));
            ParityInput square = randn(dtype, 2, 4, 4);
            cases.add(new Case("attention, causal" + t, in -> Functional.scaledDotProductAttention(in[0], in[1], in[2], null,
                    true), square, square, square));
            ParityInput logits = randn(dtype, 4, 5);
            ParityInput targets = index(new long[] {1, 0, 4, 4}, 4);
            cases.add(new Case("crossEntropy, ignored and smoothed" + t, in -> Functional.crossEntropy(in[0], in[1], 0,
                    0.1), logits, targets));
            cases.add(new Case("nllLoss" + t, in -> Functional.nllLoss(in[0].logSoftmax(1), in[1]), logits, targets));
            cases.add(new Case("binaryCrossEntropyWithLogits" + t, in -> Functional.binaryCrossEntropyWithLogits(
                    in[0].mul(5), in[1]), x, uniform(dtype, 0, 1, 6, 4)));
        }
        return cases.stream();
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

    @Test
    void aPreNormEncoderLayerTrainsAlikeOnBothDevices() {
        Nabla.manualSeed(5);
        TransformerEncoderLayer cpu = new TransformerEncoderLayer(8, 2, 16, 0, "gelu", true);
        cpu.to(FLOAT64);
        Nabla.manualSeed(5);
        TransformerEncoderLayer gpu = new TransformerEncoderLayer(8, 2, 16, 0, "gelu", true);
        gpu.to(FLOAT64);
        gpu.to(CUDA);
        Nabla.manualSeed(6);
        Tensor src = Tensor.randn(FLOAT64, 2, 5, 8);
        Tensor outCpu = cpu.forward(src, null, true);
        Tensor outGpu = gpu.forward(src.to(CUDA), null, true);
        assertSameTensor("encoder layer output", outCpu, outGpu, ACCUMULATING);
        outCpu.pow(2).sum().backward();
        outGpu.pow(2).sum().backward();
        Map<String, Parameter> gpuParams = gpu.namedParameters();
        cpu.namedParameters().forEach((name, p) -> assertSameTensor("gradient of " + name, p.grad(),
                gpuParams.get(name).grad(), ACCUMULATING));
    }
}
