package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.Tensor;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link Module#toString()} against the strings PyTorch prints for the same modules
 * ({@code nn/expected.json}, "reprs", written by {@code nn/make_expected.py}, whose classes these mirror).
 */
class ModuleReprTest {
    private static final JsonNode REPRS = TestData.load("/nn/expected.json").get("reprs");

    /** Seed 001's Linear, with its extraRepr. */
    static final class SeedLinear extends UnaryModule {
        final long inputFeatures;
        final long outputFeatures;
        final Parameter weight;
        final Parameter bias;

        SeedLinear(long inputFeatures, long outputFeatures, boolean bias) {
            this.inputFeatures = inputFeatures;
            this.outputFeatures = outputFeatures;
            this.weight = new Parameter(Tensor.zeros(outputFeatures, inputFeatures));
            this.bias = bias ? new Parameter(Tensor.zeros(outputFeatures)) : null;
        }

        @Override
        public Tensor forward(Tensor input) {
            Tensor out = input.mm(weight.t());
            return bias == null ? out : out.add(bias);
        }

        @Override
        public String extraRepr() {
            return "input_features=" + inputFeatures + ", output_features=" + outputFeatures + ", bias="
                    + (bias != null ? "True" : "False");
        }
    }

    static final class TwoLines extends Module {
        final Linear head = new Linear(3, 2);

        @Override
        public String extraRepr() {
            return "alpha=1\nbeta=2";
        }
    }

    static final class OnlyExtraLines extends Module {
        @Override
        public String extraRepr() {
            return "alpha=1\nbeta=2";
        }
    }

    static final class WithNone extends Module {
        final Tanh first = new Tanh();

        WithNone() {
            registerModule("missing", null);
        }
    }

    private static final Map<String, Supplier<Object>> MODULES = Map.ofEntries(
            Map.entry("digits_mlp", () -> new Sequential(new Linear(64, 256), new ReLU(), new Linear(256, 256), new ReLU(),
                    new Linear(256, 10))),
            Map.entry("nested", () -> new Sequential(new Linear(2, 3, false), new Sequential(new Sigmoid(), new Dropout(0.25)),
                    new Tanh(), new Dropout())),
            Map.entry("empty_sequential", Sequential::new),
            Map.entry("seed003_mlp", () -> new ModuleTest.MLP(10, 20, 5)),
            Map.entry("seed001_linear", () -> new SeedLinear(3, 4, true)),
            Map.entry("seed001_linear_no_bias", () -> new SeedLinear(3, 4, false)),
            Map.entry("two_lines", TwoLines::new),
            Map.entry("only_extra_lines", OnlyExtraLines::new),
            Map.entry("with_none", WithNone::new),
            Map.entry("mse", MSELoss::new),
            Map.entry("l1_sum", () -> new L1Loss(Reduction.SUM)),
            Map.entry("cross_entropy", CrossEntropyLoss::new),
            Map.entry("dropout_small", () -> new Dropout(0.0001)),
            Map.entry("relu", ReLU::new),
            Map.entry("parameter", () -> new Parameter(Tensor.of(new float[][] {{1f, -2.5f}, {0.25f, 3f}}))));

    @Test
    void everyModulePrintsAsPyTorchDoes() {
        assertEquals(REPRS.size(), MODULES.size(), "one Java module per stored repr");
        REPRS.fields().forEachRemaining(e -> {
            Supplier<Object> module = MODULES.get(e.getKey());
            assertEquals(e.getValue().asText(), module.get().toString(), e.getKey());
        });
    }

    @Test
    void pythonFloatsPrintAsPythonDoes() {
        assertEquals("0.5", Repr.pythonFloat(0.5));
        assertEquals("1.0", Repr.pythonFloat(1));
        assertEquals("0.0", Repr.pythonFloat(0));
        assertEquals("0.0001", Repr.pythonFloat(1e-4));
        assertEquals("1e-05", Repr.pythonFloat(1e-5));
        assertEquals("2.5e-07", Repr.pythonFloat(2.5e-7));
        assertEquals("1e+16", Repr.pythonFloat(1e16));
        assertEquals("0.1", Repr.pythonFloat(0.1));
    }
}
