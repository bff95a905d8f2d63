package dev.nabla.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.io.SafeTensors;
import dev.nabla.nn.Linear;
import dev.nabla.nn.MSELoss;
import dev.nabla.nn.Parameter;
import dev.nabla.nn.Sequential;
import dev.nabla.nn.Tanh;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpointing: training that saves the model, the optimizer and the scheduler to safetensors
 * files halfway, and continues in fresh objects loaded from those files, must end bit for bit
 * where the same training run without interruption ends (parameters, optimizer state and
 * learning rates all compared exactly).
 */
class CheckpointResumeTest {
    private static final int STEPS = 12;
    private static final int CHECKPOINT_AT = 5;

    @TempDir
    Path dir;

    static Stream<Arguments> setups() {
        Function<List<Parameter>, Optimizer> sgd =
                p -> new SGD(p, SGD.options(0.05).momentum(0.9).nesterov(true).weightDecay(1e-3));
        Function<List<Parameter>, Optimizer> adam = p -> new Adam(p, Adam.options().lr(0.01).weightDecay(1e-2));
        Function<List<Parameter>, Optimizer> adamw = p -> new AdamW(p, AdamW.options().lr(0.02).amsgrad(true));
        BiFunction<Optimizer, Integer, LRScheduler> step = (o, n) -> new StepLR(o, 3, 0.7);
        BiFunction<Optimizer, Integer, LRScheduler> cosine = (o, n) -> new CosineAnnealingLR(o, 4, 1e-3);
        BiFunction<Optimizer, Integer, LRScheduler> oneCycle = (o, n) -> new OneCycleLR(o, 0.05, n);
        BiFunction<Optimizer, Integer, LRScheduler> linear = (o, n) -> new LinearLR(o, 0.2, 1.0, 7);
        return Stream.of(
                Arguments.of("SGD momentum nesterov + StepLR", sgd, step),
                Arguments.of("SGD momentum nesterov + OneCycleLR", sgd, oneCycle),
                Arguments.of("Adam + CosineAnnealingLR", adam, cosine),
                Arguments.of("Adam + LinearLR", adam, linear),
                Arguments.of("AdamW amsgrad + OneCycleLR", adamw, oneCycle),
                Arguments.of("AdamW amsgrad, no scheduler", adamw, null));
    }

    /** A model, its optimizer and scheduler (maybe none), built from one seed. */
    private static final class Run {
        final Sequential model;
        final Optimizer optimizer;
        final LRScheduler scheduler;

        Run(long seed, Function<List<Parameter>, Optimizer> optimizer, BiFunction<Optimizer, Integer, LRScheduler> scheduler) {
            Nabla.manualSeed(seed);
            model = new Sequential(new Linear(4, 8), new Tanh(), new Linear(8, 3));
            this.optimizer = optimizer.apply(model.parameters());
            this.scheduler = scheduler == null ? null : scheduler.apply(this.optimizer, STEPS);
        }

        void train(Tensor x, Tensor y, int steps) {
            MSELoss loss = new MSELoss();
            for (int i = 0; i < steps; i++) {
                optimizer.zeroGrad();
                loss.forward(model.forward(x), y).backward();
                optimizer.step();
                if (scheduler != null) {
                    scheduler.step();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void resumingFromFilesContinuesBitForBit(String name, Function<List<Parameter>, Optimizer> optimizer,
            BiFunction<Optimizer, Integer, LRScheduler> scheduler) throws IOException {
        Nabla.manualSeed(7);
        Tensor x = Tensor.randn(16, 4);
        Tensor y = Tensor.randn(16, 3);

        Run whole = new Run(1, optimizer, scheduler);
        whole.train(x, y, STEPS);

        Run first = new Run(1, optimizer, scheduler);
        first.train(x, y, CHECKPOINT_AT);
        SafeTensors.save(first.model.stateDict(), dir.resolve("model.safetensors"));
        SafeTensors.save(first.optimizer.stateDict(), dir.resolve("optimizer.safetensors"));
        if (scheduler != null) {
            SafeTensors.save(first.scheduler.stateDict(), dir.resolve("scheduler.safetensors"));
        }

        // Another seed, so that nothing matches unless the checkpoint restores it.
        Run resumed = new Run(2, optimizer, scheduler);
        resumed.model.loadStateDict(SafeTensors.load(dir.resolve("model.safetensors")));
        resumed.optimizer.loadStateDict(SafeTensors.load(dir.resolve("optimizer.safetensors")));
        if (scheduler != null) {
            resumed.scheduler.loadStateDict(SafeTensors.load(dir.resolve("scheduler.safetensors")));
        }
        resumed.train(x, y, STEPS - CHECKPOINT_AT);

        assertBitIdentical(whole.model.stateDict(), resumed.model.stateDict(), name + ": model");
        assertBitIdentical(whole.optimizer.stateDict(), resumed.optimizer.stateDict(), name + ": optimizer");
        if (scheduler != null) {
            assertBitIdentical(whole.scheduler.stateDict(), resumed.scheduler.stateDict(), name + ": scheduler");
        }
        // The comparison is not vacuous: training moved the parameters away from their start.
        assertFalse(Arrays.equals(new Run(1, optimizer, scheduler).model.parameters().get(0).toDoubleArray(),
                whole.model.parameters().get(0).toDoubleArray()), name);
    }

    private static void assertBitIdentical(Map<String, Tensor> expected, Map<String, Tensor> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what + ": keys");
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor a = actual.get(e.getKey());
            assertEquals(e.getValue().dtype(), a.dtype(), what + " " + e.getKey());
            assertArrayEquals(e.getValue().shape(), a.shape(), what + " " + e.getKey());
            long[] bitsExpected = bits(e.getValue());
            long[] bitsActual = bits(a);
            assertArrayEquals(bitsExpected, bitsActual, what + " " + e.getKey() + " differs in its bits");
        }
    }

    private static long[] bits(Tensor t) {
        switch (t.dtype()) {
            case FLOAT32: {
                float[] f = t.toFloatArray();
                long[] out = new long[f.length];
                for (int i = 0; i < f.length; i++) {
                    out[i] = Float.floatToRawIntBits(f[i]);
                }
                return out;
            }
            case FLOAT64: {
                double[] d = t.toDoubleArray();
                long[] out = new long[d.length];
                for (int i = 0; i < d.length; i++) {
                    out[i] = Double.doubleToRawLongBits(d[i]);
                }
                return out;
            }
            case INT64:
                return t.toLongArray();
            default: {
                boolean[] b = t.toBooleanArray();
                long[] out = new long[b.length];
                for (int i = 0; i < b.length; i++) {
                    out[i] = b[i] ? 1 : 0;
                }
                return out;
            }
        }
    }
}
