package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Registration, naming, state dicts, modes, gradients and conversion of {@link Module}. */
class ModuleTest {
    /** Seed 003's LinearModule: parameters by field. */
    static final class LinearModule extends UnaryModule {
        final Parameter weights;
        final Parameter bias;

        LinearModule(int in, int out) {
            weights = new Parameter(Tensor.randn(out, in));
            bias = new Parameter(Tensor.randn(out));
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.matmul(weights.t()).add(bias);
        }
    }

    /** Seed 003's ReLULayer. */
    static final class ReLULayer extends UnaryModule {
        @Override
        public Tensor forward(Tensor x) {
            return x.maximum(Tensor.zerosLike(x));
        }
    }

    /** Seed 003's MLP: sub-modules by field, in declaration order. */
    static final class MLP extends UnaryModule {
        final LinearModule linear1;
        final ReLULayer relu = new ReLULayer();
        final LinearModule linear2;

        MLP(int in, int hidden, int out) {
            linear1 = new LinearModule(in, hidden);
            linear2 = new LinearModule(hidden, out);
        }

        @Override
        public Tensor forward(Tensor x) {
            return linear2.forward(relu.forward(linear1.forward(x)));
        }
    }

    /** Members of every kind, by field and explicitly, and fields that are not members. */
    static final class Mixed extends Module {
        final Parameter alpha = new Parameter(Tensor.ones(2));
        @Buffer Tensor running = Tensor.zeros(2);
        @Buffer(persistent = false) Tensor scratch = Tensor.zeros(3);
        final Tensor constant = Tensor.ones(1);
        final Tensor heldAsTensor = new Parameter(Tensor.full(2.0, 1));
        transient Parameter ignored = new Parameter(Tensor.ones(1));
        final Linear head = new Linear(2, 1);
        final List<Linear> hidden = new ArrayList<>();

        Mixed() {
            for (int i = 0; i < 2; i++) {
                hidden.add(registerModule("hidden" + i, new Linear(2, 2)));
            }
            registerParameter("gamma", new Parameter(Tensor.zeros(1)));
        }
    }

    /** Seed 001's Linear without a bias: the optional bias is a null field and registered as null. */
    static final class OptionalBias extends Module {
        final Parameter weight = new Parameter(Tensor.zeros(2, 3));
        final Parameter bias;

        OptionalBias() {
            registerParameter("bias", null);
            bias = null;
        }
    }

    /** A base class whose fields come before the subclass's. */
    static class Base extends Module {
        final Parameter first = new Parameter(Tensor.zeros(1));
    }

    static final class Derived extends Base {
        final Parameter second = new Parameter(Tensor.zeros(1));
    }

    @Test
    void fieldsAreRegisteredInDeclarationOrderWithDottedNames() {
        MLP model = new MLP(10, 20, 5);
        assertEquals(List.of("linear1.weights", "linear1.bias", "linear2.weights", "linear2.bias"),
                new ArrayList<>(model.namedParameters().keySet()));
        assertSame(model.linear1.weights, model.parameters().get(0));
        assertEquals(List.of("linear1", "relu", "linear2"), new ArrayList<>(model.namedChildren().keySet()));
        assertEquals(List.of("", "linear1", "relu", "linear2"), new ArrayList<>(model.namedModules().keySet()));
        assertEquals(List.of("first", "second"), new ArrayList<>(new Derived().namedParameters().keySet()));
    }

    @Test
    void explicitRegistrationsFollowFieldsAndNonMemberFieldsAreIgnored() {
        Mixed m = new Mixed();
        assertEquals(List.of("alpha", "heldAsTensor", "gamma", "head.weight", "head.bias", "hidden0.weight",
                "hidden0.bias", "hidden1.weight", "hidden1.bias"), new ArrayList<>(m.namedParameters().keySet()));
        assertEquals(List.of("running", "scratch"), new ArrayList<>(m.namedBuffers().keySet()));
        assertEquals(List.of("head", "hidden0", "hidden1"), new ArrayList<>(m.namedChildren().keySet()));
        assertEquals(List.of("alpha", "heldAsTensor", "gamma", "running", "head.weight", "head.bias", "hidden0.weight",
                "hidden0.bias", "hidden1.weight", "hidden1.bias"), new ArrayList<>(m.stateDict().keySet()),
                "parameters, then persistent buffers, then sub-modules; the non-persistent buffer is not saved");
    }

    @Test
    void aNullParameterIsAnAbsentOptionalMember() {
        OptionalBias m = new OptionalBias();
        assertEquals(List.of("weight"), new ArrayList<>(m.namedParameters().keySet()));
        assertEquals(List.of("weight"), new ArrayList<>(m.stateDict().keySet()));
        assertTrue(m.loadStateDict(Map.of("weight", Tensor.ones(2, 3))).isEmpty());
    }

    @Test
    void sharedParametersAreListedOnceButSavedUnderEachName() {
        Linear shared = new Linear(2, 2);
        Sequential model = new Sequential(shared, new ReLU(), shared);
        assertEquals(List.of("0.weight", "0.bias"), new ArrayList<>(model.namedParameters().keySet()));
        assertEquals(2, model.parameters().size());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), new ArrayList<>(model.stateDict().keySet()));
        assertEquals(3, model.size());
    }

    @Test
    void registrationNamesAreChecked() {
        Module m = new Sequential();
        IllegalArgumentException dot = assertThrows(IllegalArgumentException.class,
                () -> m.registerParameter("a.b", new Parameter(Tensor.zeros(1))));
        assertTrue(dot.getMessage().contains("must not contain \".\""), dot.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.registerBuffer("", Tensor.zeros(1)));
        m.registerBuffer("x", Tensor.zeros(1));
        IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
                () -> m.registerParameter("x", new Parameter(Tensor.zeros(1))));
        assertTrue(clash.getMessage().contains("a buffer of that name already exists"), clash.getMessage());
    }

    @Test
    void aFieldAndAnExplicitRegistrationOfTheSameNameMustAgree() {
        final class Conflict extends Module {
            final Parameter w = new Parameter(Tensor.zeros(1));

            Conflict() {
                registerParameter("w", new Parameter(Tensor.ones(1)));
            }
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Conflict().parameters());
        assertTrue(e.getMessage().contains("\"w\" is both the field"), e.getMessage());
    }

    @Test
    void reRegisteringAFieldMemberReplacesItAndWritesTheField() {
        MLP model = new MLP(2, 3, 1);
        model.parameters();
        LinearModule replacement = new LinearModule(3, 1);
        model.registerModule("linear2", replacement);
        assertSame(replacement, model.linear2);
        assertSame(replacement.weights, model.namedParameters().get("linear2.weights"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.registerModule("linear2", new ReLU()));
        assertTrue(e.getMessage().contains("its field is declared LinearModule"), e.getMessage());
    }

    @Test
    void stateDictRoundTripsIntoAFreshModel() {
        Nabla.manualSeed(1);
        MLP source = new MLP(3, 4, 2);
        MLP target = new MLP(3, 4, 2);
        Map<String, Tensor> state = source.stateDict();
        assertFalse(state.values().iterator().next() instanceof Parameter, "state dict values are detached tensors");
        assertFalse(state.get("linear1.weights").requiresGrad());
        Parameter targetWeight = target.linear1.weights;
        int version = targetWeight.version();
        assertTrue(target.loadStateDict(state).isEmpty());
        assertSame(targetWeight, target.linear1.weights, "loading copies in place");
        assertTrue(targetWeight.version() > version);
        assertTrue(targetWeight.isLeaf());
        Tensor x = Tensor.randn(5, 3);
        assertArrayEquals(source.forward(x).toFloatArray(), target.forward(x).toFloatArray());
    }

    @Test
    void strictLoadingListsEveryProblemAndModifiesNothing() {
        MLP model = new MLP(3, 4, 2);
        float[] before = model.linear1.weights.toFloatArray();
        Map<String, Tensor> state = new LinkedHashMap<>(new MLP(3, 4, 2).stateDict());
        state.remove("linear2.bias");
        state.put("linear1.weights", Tensor.zeros(4, 3));
        state.put("linear1.bias", Tensor.zeros(5));
        state.put("extra", Tensor.zeros(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(state));
        assertEquals("Error(s) in loading state_dict for MLP:\n"
                + "\tUnexpected key(s) in state_dict: \"extra\".\n"
                + "\tMissing key(s) in state_dict: \"linear2.bias\".\n"
                + "\tsize mismatch for linear1.bias: copying a tensor of shape [5] from the state dict, but the shape in"
                + " the current model is [4]", e.getMessage());
        assertArrayEquals(before, model.linear1.weights.toFloatArray());
    }

    @Test
    void nonStrictLoadingReportsMissingAndUnexpectedKeys() {
        MLP model = new MLP(3, 4, 2);
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("linear1.weights", Tensor.ones(4, 3));
        state.put("head.weight", Tensor.ones(1));
        IncompatibleKeys keys = model.loadStateDict(state, false);
        assertEquals(List.of("linear1.bias", "linear2.weights", "linear2.bias"), keys.missingKeys());
        assertEquals(List.of("head.weight"), keys.unexpectedKeys());
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, model.linear1.weights.toFloatArray());
        state.put("linear1.bias", Tensor.ones(3));
        assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(state, false),
                "a misshaped value is an error even when not strict");
    }

    @Test
    void loadingConvertsDtypes() {
        Linear layer = new Linear(2, 1);
        layer.loadStateDict(Map.of("weight", Tensor.of(new double[][] {{0.5, -1}}), "bias", Tensor.of(2.0)));
        assertEquals(DType.FLOAT32, layer.weight().dtype());
        assertArrayEquals(new float[] {0.5f, -1f}, layer.weight().toFloatArray());
    }

    @Test
    void trainAndEvalReachEveryModule() {
        Sequential model = new Sequential(new Linear(2, 2), new Sequential(new Dropout(0.5)));
        assertTrue(model.isTraining());
        assertSame(model, model.eval());
        for (Module m : model.modules()) {
            assertFalse(m.isTraining(), m.toString());
        }
        model.train();
        for (Module m : model.modules()) {
            assertTrue(m.isTraining(), m.toString());
        }
    }

    @Test
    void zeroGradZeroesInPlaceOrDropsGradients() {
        Linear layer = new Linear(3, 2);
        layer.forward(Tensor.randn(4, 3)).sum().backward();
        Tensor grad = layer.weight().grad();
        layer.zeroGrad();
        assertSame(grad, layer.weight().grad(), "the gradient tensor is kept for accumulation");
        assertArrayEquals(new float[6], grad.toFloatArray());
        layer.zeroGrad(true);
        assertNull(layer.weight().grad());
        assertNull(layer.bias().grad());
    }

    @Test
    void toDTypeReplacesParametersEverywhereAndKeepsSharing() {
        Linear shared = new Linear(2, 2);
        Sequential model = new Sequential(shared, shared);
        shared.forward(Tensor.randn(1, 2)).sum().backward();
        Parameter old = shared.weight();
        float[] values = old.toFloatArray();
        assertSame(model, model.to(DType.FLOAT64));
        Parameter converted = shared.weight();
        assertNotSame(old, converted);
        assertEquals(DType.FLOAT64, converted.dtype());
        assertEquals(DType.FLOAT64, converted.grad().dtype(), "the gradient is converted too");
        assertTrue(converted.requiresGrad());
        assertSame(converted, model.namedParameters().get("0.weight"));
        assertEquals(2, model.parameters().size(), "the shared parameter is still shared");
        double[] d = converted.toDoubleArray();
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], d[i], 0);
        }
        assertEquals(DType.FLOAT64, model.forward(Tensor.randn(DType.FLOAT64, 3, 2)).dtype());
        assertThrows(IllegalArgumentException.class, () -> model.to(DType.INT64));
    }

    @Test
    void toTheSameDeviceKeepsEverything() {
        Linear layer = new Linear(2, 2);
        Parameter w = layer.weight();
        layer.to(w.device());
        assertSame(w, layer.weight());
    }

    @Test
    void parameterIsATensorLeafThatRequiresGrad() {
        Parameter p = new Parameter(Tensor.of(1f, 2f));
        assertTrue(p.requiresGrad());
        assertTrue(p.isLeaf());
        assertFalse(new Parameter(Tensor.of(1f), false).requiresGrad());
        Tensor y = p.mul(p).sum();
        y.backward();
        assertArrayEquals(new float[] {2, 4}, p.grad().toFloatArray());
        Tensor data = Tensor.zeros(2);
        Parameter shared = new Parameter(data);
        data.fill_(3);
        assertArrayEquals(new float[] {3, 3}, shared.toFloatArray(), "a parameter shares its data's storage");
        assertThrows(IllegalStateException.class, () -> new Parameter(Tensor.arange(3)));
    }

    @Test
    void applyVisitsChildrenFirst() {
        MLP model = new MLP(2, 2, 2);
        List<String> seen = new ArrayList<>();
        model.apply(m -> seen.add(m.getClass().getSimpleName()));
        assertEquals(List.of("LinearModule", "ReLULayer", "LinearModule", "MLP"), seen);
    }

    @Test
    void aCycleIsAClearError() {
        Sequential a = new Sequential();
        Sequential b = new Sequential();
        a.registerModule("b", b);
        b.registerModule("a", a);
        IllegalStateException e = assertThrows(IllegalStateException.class, a::stateDict);
        assertTrue(e.getMessage().contains("contains itself"), e.getMessage());
    }

    @Test
    void bufferFieldsMustBeTensors() {
        final class Bad extends Module {
            @Buffer double notATensor = 1;
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Bad().buffers());
        assertTrue(e.getMessage().contains("a buffer must be a Tensor"), e.getMessage());
    }
}
