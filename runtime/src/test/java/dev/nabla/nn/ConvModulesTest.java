package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.DType;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The modules of convolutional networks: PyTorch's {@code toString()} and state-dict keys
 * ({@code nn/cnn/modules.json}, written by {@code make_cnn.py}), PyTorch's default
 * initialisation bounds, and batch norm's training and evaluation behaviour.
 */
class ConvModulesTest {
    /** The modules of {@code make_cnn.py}'s {@code MODULES}, built with Nabla's constructors. */
    private static Map<String, Supplier<Module>> modules() {
        Map<String, Supplier<Module>> m = new LinkedHashMap<>();
        m.put("conv1d", () -> new Conv1d(2, 3, 3));
        m.put("conv1d_all", () -> new Conv1d(4, 6, 3, 2, 1, 2, 2, false));
        m.put("conv2d", () -> new Conv2d(1, 32, 3));
        m.put("conv2d_all", () -> new Conv2d(2, 4, 3, 2, 1, 2, 2, false));
        m.put("max_pool2d", () -> new MaxPool2d(2));
        m.put("avg_pool2d", () -> new AvgPool2d(3));
        m.put("adaptive_avg_pool2d", () -> new AdaptiveAvgPool2d(2, 3));
        m.put("batch_norm1d", () -> new BatchNorm1d(5));
        m.put("batch_norm2d_custom", () -> new BatchNorm2d(3, 1e-3, 0.01, false, true));
        m.put("flatten", Flatten::new);
        m.put("identity", Identity::new);
        m.put("module_list", () -> new ModuleList(new Conv2d(1, 2, 3), new ReLU(), new BatchNorm2d(2)));
        m.put("module_dict", () -> new ModuleDict().put("conv", new Conv2d(1, 2, 3)).put("act", new ReLU())
                .put("norm", new BatchNorm1d(2)));
        return m;
    }

    @TestFactory
    Stream<DynamicTest> printAndNameStateAsPyTorch() {
        JsonNode expected = TestData.load("/nn/cnn/modules.json");
        Map<String, Supplier<Module>> modules = modules();
        assertEquals(expected.size(), modules.size(), "modules.json and this test list different modules");
        return modules.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            JsonNode want = expected.get(e.getKey());
            Module m = e.getValue().get();
            assertEquals(want.get("repr").asText(), m.toString());
            List<String> keys = new ArrayList<>();
            want.get("keys").forEach(k -> keys.add(k.asText()));
            assertEquals(keys, new ArrayList<>(m.stateDict().keySet()));
        }));
    }

    @Test
    void convolutionsAreInitialisedAsPyTorch() {
        Nabla.manualSeed(3);
        Conv2d conv = new Conv2d(4, 8, 3, 1, 1, 1, 2, true);
        assertArrayEquals(new long[] {8, 2, 3, 3}, conv.weight().shape());
        double bound = 1 / Math.sqrt(2 * 9);
        for (Tensor t : List.of(conv.weight(), conv.bias())) {
            assertTrue(t.abs().max().item() <= bound, "within 1/sqrt(fan_in)");
            assertTrue(t.abs().max().item() > bound / 2, "spread over the bound, not all near 0");
        }
        assertNotEquals(conv.weight().toFloatArray()[0], new Conv2d(4, 8, 3, 1, 1, 1, 2, true).weight().toFloatArray()[0]);
    }

    @Test
    void batchNormUpdatesItsStatisticsWhileTrainingAndUsesThemInEvaluation() {
        Nabla.manualSeed(5);
        BatchNorm2d bn = new BatchNorm2d(3);
        Tensor x = Tensor.randn(4, 3, 2, 2).mul(2).add(1);
        Tensor trained = bn.forward(x);
        Map<String, Tensor> state = bn.stateDict();
        assertEquals(1, state.get("num_batches_tracked").item());
        assertEquals(DType.INT64, state.get("num_batches_tracked").dtype());
        Tensor batchOnly = Functional.batchNorm(x, null, null, bn.weight(), bn.bias(), true, 0.1, 1e-5);
        assertArrayEquals(batchOnly.toFloatArray(), trained.toFloatArray(), 1e-6f);
        Tensor mean = Tensor.zeros(3);
        Tensor var = Tensor.ones(3);
        Functional.batchNorm(x, mean, var, null, null, true, 0.1, 1e-5);
        assertArrayEquals(mean.toFloatArray(), state.get("running_mean").toFloatArray(), 0f);
        assertArrayEquals(var.toFloatArray(), state.get("running_var").toFloatArray(), 0f);

        bn.eval();
        Tensor evaluated = bn.forward(x);
        assertEquals(1, bn.stateDict().get("num_batches_tracked").item(), "evaluation does not count batches");
        assertArrayEquals(mean.toFloatArray(), bn.runningMean().toFloatArray(), 0f, "evaluation leaves the statistics");
        Tensor expected = x.sub(mean.reshape(1, 3, 1, 1)).div(var.add(1e-5).sqrt().reshape(1, 3, 1, 1));
        assertArrayEquals(expected.toFloatArray(), evaluated.toFloatArray(), 1e-6f);
    }

    @Test
    void batchNormRejectsTheWrongInputs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm2d(3).forward(Tensor.zeros(2, 3, 4)));
        assertEquals("BatchNorm2d: expected 4D input (got 3D input)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("running_mean should contain 4 elements not 3"), e.getMessage());
    }

    @Test
    void containersNameTheirMembersAsPyTorch() {
        ModuleList list = new ModuleList(new Linear(2, 3), new ReLU()).add(new Linear(3, 1));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), new ArrayList<>(list.namedParameters().keySet()));
        assertEquals(3, list.size());
        assertTrue(list.get(-1) instanceof Linear);
        ModuleDict dict = new ModuleDict(Map.of("head", new Linear(2, 2)));
        assertEquals(List.of("head.weight", "head.bias"), new ArrayList<>(dict.namedParameters().keySet()));
        assertThrows(IllegalArgumentException.class, () -> dict.get("tail"));
        assertThrows(IndexOutOfBoundsException.class, () -> list.get(3));
    }

    @Test
    void flattenMergesTheRequestedDimensions() {
        Tensor x = Tensor.zeros(2, 3, 4, 5);
        assertArrayEquals(new long[] {2, 60}, new Flatten().forward(x).shape());
        assertArrayEquals(new long[] {2, 12, 5}, new Flatten(1, 2).forward(x).shape());
        assertThrows(IllegalArgumentException.class, () -> new Flatten(2, 1).forward(x));
    }
}
