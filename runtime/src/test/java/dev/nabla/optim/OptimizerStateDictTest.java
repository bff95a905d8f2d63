package dev.nabla.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@link Optimizer#stateDict()}'s layout (PyTorch's keys) and {@link Optimizer#loadStateDict}'s
 * checks: every bad state dict is rejected with the offending key named, and the optimizer is
 * left exactly as it was.
 */
class OptimizerStateDictTest {
    private static List<Tensor> params() {
        return List.of(Tensor.of(1.0, -2.0, 3.0).requiresGrad(true), Tensor.of(0.5, 0.25).requiresGrad(true));
    }

    private static void stepWithGrads(Optimizer opt, boolean secondToo) {
        List<Tensor> ps = opt.paramGroups().get(0).params();
        ps.get(0).setGrad(Tensor.of(0.1, 0.2, -0.3));
        ps.get(1).setGrad(secondToo ? Tensor.of(-1.0, 1.0) : null);
        opt.step();
    }

    @Test
    void adamKeysAreTorchs() {
        Adam adam = new Adam(params(), Adam.options().lr(0.01).amsgrad(true));
        stepWithGrads(adam, false);
        Map<String, Tensor> state = adam.stateDict();
        assertEquals(List.of("state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq",
                "param_groups.0.lr", "param_groups.0.betas", "param_groups.0.eps", "param_groups.0.weight_decay",
                "param_groups.0.amsgrad", "param_groups.0.maximize", "param_groups.0.params"), List.copyOf(state.keySet()));
        assertEquals(1.0, state.get("state.0.step").item());
        assertArrayEquals(new double[] {0.9, 0.999}, state.get("param_groups.0.betas").toDoubleArray());
        assertArrayEquals(new long[] {0, 1}, state.get("param_groups.0.params").toLongArray());
        assertEquals(DType.BOOL, state.get("param_groups.0.amsgrad").dtype());
    }

    @Test
    void sgdKeysAreTorchsAndNumberParametersAcrossGroups() {
        SGD sgd = new SGD(params(), SGD.options(0.1).momentum(0.9));
        sgd.addParamGroup(List.of(Tensor.of(7.0).requiresGrad(true)), SGD.options(0.2));
        stepWithGrads(sgd, true);
        Map<String, Tensor> state = sgd.stateDict();
        assertEquals(List.of("state.0.momentum_buffer", "state.1.momentum_buffer",
                "param_groups.0.lr", "param_groups.0.momentum", "param_groups.0.dampening", "param_groups.0.weight_decay",
                "param_groups.0.nesterov", "param_groups.0.maximize", "param_groups.0.params",
                "param_groups.1.lr", "param_groups.1.momentum", "param_groups.1.dampening", "param_groups.1.weight_decay",
                "param_groups.1.nesterov", "param_groups.1.maximize", "param_groups.1.params"),
                List.copyOf(state.keySet()));
        assertArrayEquals(new long[] {2}, state.get("param_groups.1.params").toLongArray());
        assertArrayEquals(new double[] {0.1, 0.2, -0.3}, state.get("state.0.momentum_buffer").toDoubleArray());
    }

    @Test
    void loadingRestoresHyperparametersAndStateThatIsAbsentStaysAbsent() {
        AdamW source = new AdamW(params(), AdamW.options().lr(0.03).betas(0.8, 0.95).eps(1e-6).weightDecay(0.1));
        stepWithGrads(source, false);
        source.paramGroups().get(0).setLr(0.0125);
        AdamW target = new AdamW(params());
        stepWithGrads(target, true);
        target.loadStateDict(source.stateDict());
        assertEquals(0.0125, target.paramGroups().get(0).lr());
        assertEquals(0.8, target.paramGroups().get(0).momentum());
        Map<String, Tensor> loaded = target.stateDict();
        assertEquals(source.stateDict().keySet(), loaded.keySet());
        assertEquals(0.95, loaded.get("param_groups.0.betas").toDoubleArray()[1]);
        assertEquals(1e-6, loaded.get("param_groups.0.eps").item());
        // The loaded state is a copy: the source's next step does not change it.
        double[] before = loaded.get("state.0.exp_avg").toDoubleArray();
        stepWithGrads(source, false);
        assertArrayEquals(before, target.stateDict().get("state.0.exp_avg").toDoubleArray());
    }

    @Test
    void sgdMomentumBufferIsCopiedOntoTheParameter() {
        SGD source = new SGD(params(), SGD.options(0.1).momentum(0.5));
        stepWithGrads(source, true);
        SGD target = new SGD(params(), SGD.options(0.3));
        target.loadStateDict(source.stateDict());
        assertEquals(0.5, target.paramGroups().get(0).momentum());
        Tensor p = target.paramGroups().get(0).params().get(0);
        assertArrayEquals(new double[] {0.1, 0.2, -0.3}, target.momentumBuffer(p).toDoubleArray());
    }

    /** A saved Adam state with one change applied, loaded into a fresh Adam: must fail naming {@code key} and change nothing. */
    private static void assertRejected(String key, Consumer<Map<String, Tensor>> change) {
        Adam source = new Adam(params(), Adam.options().amsgrad(true));
        stepWithGrads(source, true);
        Map<String, Tensor> state = new LinkedHashMap<>(source.stateDict());
        // A valid change that must not be applied when the rest is rejected.
        state.put("param_groups.0.lr", Tensor.scalar(DType.FLOAT64, 0.5));
        change.accept(state);
        Adam target = new Adam(params(), Adam.options().lr(0.25));
        Map<String, Tensor> before = target.stateDict();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(state));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().startsWith("Adam.loadStateDict: "), e.getMessage());
        assertEquals(before.keySet(), target.stateDict().keySet());
        assertEquals(0.25, target.paramGroups().get(0).lr());
    }

    @Test
    void badStateDictsAreRejectedNamingTheKeyWithoutChangingAnything() {
        assertRejected("state.1.exp_avgg", s -> s.put("state.1.exp_avgg", Tensor.zeros(DType.FLOAT64, 2)));
        assertRejected("'param_groups.0.eps' is missing", s -> s.remove("param_groups.0.eps"));
        assertRejected("'state.1.max_exp_avg_sq' is missing", s -> s.remove("state.1.max_exp_avg_sq"));
        assertRejected("'state.1.exp_avg' must have shape [2], got [3]", s -> s.put("state.1.exp_avg", Tensor.zeros(DType.FLOAT64, 3)));
        assertRejected("'state.1.exp_avg_sq' must be torch.float64, got torch.float32",
                s -> s.put("state.1.exp_avg_sq", Tensor.zeros(2)));
        assertRejected("'param_groups.0.weight_decay' must be a non-negative weight decay, got -1.0",
                s -> s.put("param_groups.0.weight_decay", Tensor.scalar(DType.FLOAT64, -1)));
        assertRejected("'param_groups.0.betas' must hold two numbers in [0, 1)",
                s -> s.put("param_groups.0.betas", Tensor.of(1.0, 0.9)));
        assertRejected("'state.0.step' must be a whole number of steps",
                s -> s.put("state.0.step", Tensor.scalar(DType.FLOAT64, 1.5)));
        assertRejected("'param_groups.0.params' lists 1 parameter(s) but group 0 of this optimizer has 2",
                s -> s.put("param_groups.0.params", Tensor.of(0L)));
        assertRejected("has 2 parameter group(s)", s -> s.put("param_groups.1.params", Tensor.of(5L)));
        assertRejected("'param_groups.0.amsgrad' must be torch.bool", s -> s.put("param_groups.0.amsgrad", Tensor.of(1L)));
    }

    @Test
    void amsgradTurnedOffByTheStateDictMustNotCarryItsMaximum() {
        Adam source = new Adam(params(), Adam.options().amsgrad(true));
        stepWithGrads(source, false);
        Map<String, Tensor> state = new LinkedHashMap<>(source.stateDict());
        state.put("param_groups.0.amsgrad", Tensor.scalar(DType.BOOL, 0));
        Adam target = new Adam(params());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(state));
        assertTrue(e.getMessage().contains("unexpected key(s) in the state dict: [state.0.max_exp_avg_sq]"), e.getMessage());
    }

    @Test
    void nesterovWithoutMomentumIsRejected() {
        SGD source = new SGD(params(), SGD.options(0.1).momentum(0.9).nesterov(true));
        Map<String, Tensor> state = new LinkedHashMap<>(source.stateDict());
        state.put("param_groups.0.momentum", Tensor.scalar(DType.FLOAT64, 0));
        SGD target = new SGD(params(), 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(state));
        assertTrue(e.getMessage().contains("'param_groups.0.nesterov' is true, but Nesterov momentum requires"),
                e.getMessage());
        assertNull(target.momentumBuffer(target.paramGroups().get(0).params().get(0)));
        assertEquals(0.0, target.paramGroups().get(0).momentum());
    }

    @Test
    void nullStateDictAndValuesAreClearErrors() {
        SGD sgd = new SGD(params(), 0.1);
        assertThrows(IllegalArgumentException.class, () -> sgd.loadStateDict(null));
        Map<String, Tensor> state = new LinkedHashMap<>(sgd.stateDict());
        state.put("param_groups.0.lr", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.loadStateDict(state));
        assertEquals("SGD.loadStateDict: the state dict has a null value at key 'param_groups.0.lr'", e.getMessage());
    }
}
