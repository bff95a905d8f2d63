package dev.nabla.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The schedulers' contracts beyond their values: errors, state dicts, and sharing an optimizer. */
class SchedulerTest {
    private static SGD sgd(double lr) {
        return new SGD(List.of(Tensor.zeros(2).requiresGrad(true)), lr);
    }

    @Test
    void oneCycleRefusesToStepPastItsEndAndKeepsItsState() {
        SGD opt = sgd(0.1);
        OneCycleLR s = new OneCycleLR(opt, 0.3, 3);
        s.step();
        s.step();
        s.step();
        double[] last = s.lastLr();
        IllegalStateException e = assertThrows(IllegalStateException.class, s::step);
        assertEquals("Tried to step 5 times. The specified number of total steps is 3", e.getMessage());
        assertArrayEquals(last, s.lastLr());
        assertEquals(last[0], opt.paramGroups().get(0).lr());
    }

    @Test
    void invalidArgumentsAreRejected() {
        SGD opt = sgd(0.1);
        assertThrows(IllegalArgumentException.class, () -> new StepLR(opt, 0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new CosineAnnealingLR(opt, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new CosineAnnealingLR(opt, 5, -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LinearLR(opt, 0, 1, 5));
        assertTrue(e.getMessage().startsWith("Starting multiplicative factor expected to be greater than 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LinearLR(opt, 0.5, 1.5, 5));
        assertEquals("Expected positive integer total_steps, but got 0",
                assertThrows(IllegalArgumentException.class, () -> new OneCycleLR(opt, 0.1, 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new StepLR(null, 1, 0.1));
    }

    @Test
    void aSecondSchedulerStartsFromTheSameInitialLr() {
        SGD opt = sgd(0.1);
        new StepLR(opt, 1, 0.5).step();
        assertEquals(0.05, opt.paramGroups().get(0).lr());
        CosineAnnealingLR cosine = new CosineAnnealingLR(opt, 10, 0);
        assertEquals(0.1, cosine.stateDict().get("base_lrs").toDoubleArray()[0]);
    }

    @Test
    void stateDictRoundTripsTheSettings() {
        SGD opt = sgd(0.1);
        StepLR saved = new StepLR(opt, 2, 0.5);
        saved.step();
        saved.step();
        Map<String, Tensor> state = saved.stateDict();
        assertEquals(List.of("last_epoch", "base_lrs", "_last_lr", "step_size", "gamma"), List.copyOf(state.keySet()));
        StepLR loaded = new StepLR(sgd(0.1), 7, 0.9);
        loaded.loadStateDict(state);
        assertEquals(state.keySet(), loaded.stateDict().keySet());
        assertEquals(2L, (long) loaded.stateDict().get("last_epoch").item());
        assertEquals(2L, (long) loaded.stateDict().get("step_size").item());
        assertArrayEquals(new double[] {0.05}, loaded.lastLr());
    }

    @Test
    void badSchedulerStateIsRejectedWithoutChangingAnything() {
        SGD opt = sgd(0.1);
        CosineAnnealingLR s = new CosineAnnealingLR(opt, 4, 0.01);
        Map<String, Tensor> good = s.stateDict();

        Map<String, Tensor> groups = new LinkedHashMap<>(good);
        groups.put("base_lrs", Tensor.of(0.1, 0.2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(groups));
        assertEquals("CosineAnnealingLR.loadStateDict: 'base_lrs' must have shape [1], got [2]", e.getMessage());

        Map<String, Tensor> tMax = new LinkedHashMap<>(good);
        tMax.put("last_epoch", Tensor.scalar(DType.INT64, 3));
        tMax.put("T_max", Tensor.scalar(DType.INT64, 0));
        e = assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(tMax));
        assertTrue(e.getMessage().contains("'T_max' must be a positive int, got 0"), e.getMessage());
        assertEquals(0L, (long) s.stateDict().get("last_epoch").item());
        assertEquals(4L, (long) s.stateDict().get("T_max").item());

        Map<String, Tensor> extra = new LinkedHashMap<>(good);
        extra.put("gamma", Tensor.scalar(DType.FLOAT64, 0.5));
        e = assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(extra));
        assertTrue(e.getMessage().contains("unexpected key(s) in the state dict: [gamma]"), e.getMessage());
    }

    @Test
    void oneCycleNeedsAMomentumTerm() {
        Optimizer plain = new Optimizer() {
            {
                addGroup(List.of(Tensor.zeros(1).requiresGrad(true)), 0.1);
            }

            @Override
            public void step() {}
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OneCycleLR(plain, 0.1, 5));
        assertTrue(e.getMessage().contains("optimizer must support momentum"), e.getMessage());
    }
}
