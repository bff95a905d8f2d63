package dev.nabla.backend.cuda;

import static dev.nabla.backend.cuda.ParityAssertions.CUDA;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.ACCUMULATING;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.ELEMENTWISE;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.EXACT;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameGradients;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameOnBothDevices;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.data.DataLoader;
import dev.nabla.data.Datasets;
import dev.nabla.nn.CrossEntropyLoss;
import dev.nabla.nn.Dropout;
import dev.nabla.nn.L1Loss;
import dev.nabla.nn.Linear;
import dev.nabla.nn.MSELoss;
import dev.nabla.nn.Parameter;
import dev.nabla.nn.ReLU;
import dev.nabla.nn.Reduction;
import dev.nabla.nn.Sequential;
import dev.nabla.optim.Adam;
import dev.nabla.optim.AdamW;
import dev.nabla.optim.Optimizer;
import dev.nabla.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Training on CUDA against training on the CPU: the same model from the same seed, fed the same
 * digits batches, must follow the same losses, with float32 rounding the only difference; and
 * the {@code nn} pieces that create tensors of their own (losses, dropout) keep them on the GPU.
 */
class CudaTrainingParityTest {
    private static final int STEPS = 5;
    /** Five Adam steps on float32 sums and products in another order: losses of about 2 agree to this. */
    private static final double LOSS_TOLERANCE = 1e-4;

    @BeforeEach
    void requireCuda() {
        ParityAssertions.assumeCuda();
    }

    /** One model with its optimizer on one device. */
    private static final class Run {
        private final Device device;
        private final Sequential model;
        private final Optimizer optimizer;
        private final CrossEntropyLoss loss = new CrossEntropyLoss();

        Run(Device device, Function<List<Parameter>, Optimizer> optimizer) {
            this.device = device;
            Nabla.manualSeed(42);
            model = new Sequential(new Linear(64, 32), new ReLU(), new Linear(32, 10));
            model.to(device);
            this.optimizer = optimizer.apply(model.parameters());
        }

        double step(Tensor[] batch) {
            optimizer.zeroGrad();
            Tensor value = loss.forward(model.forward(batch[0].to(device)), batch[1].to(device));
            value.backward();
            optimizer.step();
            return value.item();
        }

        double evaluate(Tensor[] batch) {
            return loss.forward(model.forward(batch[0].to(device)), batch[1].to(device)).item();
        }
    }

    @Test
    void linearReluCrossEntropyAdamFollowTheCpuLosses() {
        assertTrainsAlike(params -> new Adam(params, 1e-2));
    }

    static Stream<Arguments> otherOptimizers() {
        return Stream.of(
                Arguments.of("AdamW with AMSGrad", (Function<List<Parameter>, Optimizer>) params ->
                        new AdamW(params, AdamW.options().lr(1e-2).weightDecay(0.1).amsgrad(true))),
                Arguments.of("SGD with Nesterov momentum and weight decay", (Function<List<Parameter>, Optimizer>) params ->
                        new SGD(params, SGD.options(0.1).momentum(0.9).nesterov(true).weightDecay(1e-3))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherOptimizers")
    void otherOptimizersFollowTheCpuLossesToo(String name, Function<List<Parameter>, Optimizer> optimizer) {
        assertTrainsAlike(optimizer);
    }

    private static void assertTrainsAlike(Function<List<Parameter>, Optimizer> optimizer) {
        List<Tensor[]> batches = new ArrayList<>();
        for (Tensor[] batch : DataLoader.builder(Datasets.digits()).batchSize(64).shuffle(true).seed(3).build()) {
            batches.add(batch);
            if (batches.size() == STEPS + 1) {
                break;
            }
        }
        Run cpu = new Run(Device.CPU, optimizer);
        Run gpu = new Run(CUDA, optimizer);
        gpu.model.parameters().forEach(p -> assertEquals(CUDA, p.device(), "Module.to moves every parameter"));

        double[] losses = new double[STEPS];
        for (int step = 0; step < STEPS; step++) {
            losses[step] = cpu.step(batches.get(step));
            assertEquals(losses[step], gpu.step(batches.get(step)), LOSS_TOLERANCE, "loss at step " + step);
        }
        double trained = cpu.evaluate(batches.get(STEPS));
        assertEquals(trained, gpu.evaluate(batches.get(STEPS)), LOSS_TOLERANCE,
                "loss on an unseen batch after " + STEPS + " steps");
        assertTrue(trained < losses[0] - 0.05, "the model learns: loss " + losses[0] + " at the first step, " + trained
                + " after " + STEPS);
        gpu.model.parameters().forEach(p -> {
            assertEquals(CUDA, p.device(), "parameters stay on the GPU through the optimizer's updates");
            assertEquals(CUDA, p.grad().device(), "gradients are on the GPU");
        });
    }

    static Stream<Arguments> adamVariants() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            cases.add(Arguments.of(dtype, "Adam", (Function<List<Tensor>, Optimizer>) p -> new Adam(p, 1e-2)));
            cases.add(Arguments.of(dtype, "Adam maximizing with L2 decay", (Function<List<Tensor>, Optimizer>) p ->
                    new Adam(p, Adam.options().lr(1e-2).weightDecay(0.1).maximize(true))));
            cases.add(Arguments.of(dtype, "AdamW", (Function<List<Tensor>, Optimizer>) p ->
                    new AdamW(p, AdamW.options().lr(1e-2).weightDecay(0.1))));
            cases.add(Arguments.of(dtype, "AdamW with AMSGrad", (Function<List<Tensor>, Optimizer>) p ->
                    new AdamW(p, AdamW.options().lr(1e-2).weightDecay(0.1).amsgrad(true))));
        }
        return cases.stream();
    }

    /** The fused update ({@code Backend.adamStep}, one launch per parameter) against the CPU's, over three steps. */
    @ParameterizedTest(name = "{1} in {0}")
    @MethodSource("adamVariants")
    void adamStepsMatchTheCpu(DType dtype, String name, Function<List<Tensor>, Optimizer> optimizer) {
        ParityInput.reseed("adamStepsMatchTheCpu");
        // 3 x 700: more than one block of 256 threads, not a multiple of it.
        Tensor start = Tensor.randn(dtype, 3, 700);
        Tensor[] grads = {Tensor.randn(dtype, 3, 700), Tensor.randn(dtype, 3, 700), Tensor.randn(dtype, 3, 700)};
        assertSameOnBothDevices(name, ELEMENTWISE, device -> {
            Tensor p = start.to(device).clone().requiresGrad(true);
            Optimizer opt = optimizer.apply(List.of(p));
            for (Tensor g : grads) {
                p.setGrad(g.to(device));
                opt.step();
            }
            return p.detach();
        });
    }

    @Test
    void lossFunctionsAndTheirGradientsMatchTheCpu() {
        ParityInput.reseed("lossFunctionsAndTheirGradientsMatchTheCpu");
        ParityInput prediction = ParityInput.randn(DType.FLOAT32, 16, 3);
        ParityInput target = ParityInput.randn(DType.FLOAT32, 16, 3);
        ParityInput logits = ParityInput.randn(DType.FLOAT64, 16, 10);
        ParityInput classes = ParityInput.ints(DType.INT64, 0, 10, 16);
        assertSameLoss("MSELoss", t -> new MSELoss().forward(t[0], t[1]), prediction, target);
        assertSameLoss("L1Loss", t -> new L1Loss().forward(t[0], t[1]), prediction, target);
        assertSameLoss("CrossEntropyLoss", t -> new CrossEntropyLoss().forward(t[0], t[1]), logits, classes);
        assertSameLoss("CrossEntropyLoss without reduction", t -> new CrossEntropyLoss(Reduction.NONE).forward(t[0], t[1]),
                logits, classes);
    }

    private static void assertSameLoss(String name, Gradcheck.Fn loss, ParityInput... inputs) {
        assertSameResult(name, ACCUMULATING, loss, inputs);
        assertSameGradients(name, ACCUMULATING, loss, inputs);
    }

    @Test
    void dropoutDrawsTheCpuMaskOnTheGpu() {
        Tensor x = Tensor.randn(DType.FLOAT32, 8, 16);
        assertSameOnBothDevices("Dropout(0.3)", EXACT, device -> {
            Nabla.manualSeed(5);
            return new Dropout(0.3).forward(x.to(device));
        });
    }

    @Test
    void crossEntropyNamesBothDevices() {
        Tensor logits = Tensor.randn(DType.FLOAT32, 4, 10).to(CUDA);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss().forward(logits, Tensor.of(1L, 2L, 3L, 4L)));
        assertEquals("CrossEntropyLoss: input is on cuda:0 but target is on cpu", e.getMessage());
    }
}
