package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.DType;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.io.SafeTensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The transformer modules: PyTorch 1.13's {@code TransformerEncoderLayer} and
 * {@code MultiheadAttention}, saved as safetensors by {@code transformer/make_expected.py}, load
 * into Nabla's and give PyTorch's output within {@code 1e-5 * max(1, |expected|)} (float32, eval
 * mode); printing, state-dict keys, initialisation, training mode and errors.
 */
class TransformerModulesTest {
    private static final double TOL = 1e-5;
    private static final JsonNode ROOT = TestData.load("/transformer/expected.json");

    private static Map<String, Tensor> weights(String file) throws Exception {
        return SafeTensors.load(Path.of(TransformerModulesTest.class.getResource("/transformer/" + file).toURI()));
    }

    private static Tensor maybe(JsonNode t) {
        return t.isNull() ? null : TransformerReferenceTest.tensor(t);
    }

    private static void assertClose(JsonNode expected, Tensor actual, String what) {
        assertEquals(DType.FLOAT32, actual.dtype(), what + ": dtype");
        TestData.assertClose(expected, actual.to(DType.FLOAT64), TOL, what);
    }

    @TestFactory
    Stream<DynamicTest> pyTorchEncoderLayersLoadAndGiveTheirOutput() {
        return StreamSupport.stream(ROOT.get("encoder_layers").spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                    TransformerEncoderLayer layer = new TransformerEncoderLayer(c.get("d_model").asLong(),
                            c.get("heads").asInt(), c.get("dim_feedforward").asLong(), 0.1, c.get("activation").asText(),
                            c.get("norm_first").asBoolean());
                    IncompatibleKeys keys = layer.loadStateDict(weights(c.get("weights").asText()));
                    assertTrue(keys.missingKeys().isEmpty() && keys.unexpectedKeys().isEmpty(), keys.toString());
                    layer.eval();
                    Tensor out = layer.forward(TransformerReferenceTest.tensor(c.get("input")), maybe(c.get("mask")),
                            c.get("causal").asBoolean());
                    assertClose(c.get("output"), out, c.get("name").asText());
                }));
    }

    @TestFactory
    Stream<DynamicTest> pyTorchCrossAttentionLoadsAndGivesItsOutput() {
        return StreamSupport.stream(ROOT.get("mha").spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                    MultiheadAttention mha = new MultiheadAttention(c.get("embed_dim").asLong(), c.get("heads").asInt());
                    mha.loadStateDict(weights(c.get("weights").asText()));
                    Tensor out = mha.forward(TransformerReferenceTest.tensor(c.get("query")),
                            TransformerReferenceTest.tensor(c.get("key")), TransformerReferenceTest.tensor(c.get("value")),
                            maybe(c.get("mask")), false);
                    assertClose(c.get("output"), out, c.get("name").asText());
                }));
    }

    @Test
    void modulesPrintAsPyTorch() {
        JsonNode reprs = ROOT.get("reprs");
        assertEquals(reprs.get("encoder_default").asText(), new TransformerEncoderLayer(8, 2, 16).toString());
        assertEquals(reprs.get("encoder_gelu_pre_norm").asText(),
                new TransformerEncoderLayer(8, 2, 16, 0.2, "gelu", true).toString());
        assertEquals(reprs.get("mha").asText(), new MultiheadAttention(8, 2).toString());
        assertEquals(reprs.get("layer_norm").asText(), new LayerNorm(16).toString());
        assertEquals(reprs.get("layer_norm_2d").asText(), new LayerNorm(2, 3).toString());
        assertEquals(reprs.get("embedding").asText(), new Embedding(10, 3).toString());
        assertEquals(reprs.get("gelu").asText(), new GELU().toString());
        assertEquals(reprs.get("silu").asText(), new SiLU().toString());
        assertEquals(reprs.get("softmax").asText(), new Softmax(1).toString());
        assertEquals(reprs.get("nll").asText(), new NLLLoss().toString());
        assertEquals(reprs.get("bce_with_logits").asText(), new BCEWithLogitsLoss().toString());
        assertEquals(reprs.get("cross_entropy_smoothed").asText(), new CrossEntropyLoss(Reduction.MEAN, 0, 0.1).toString());
    }

    @Test
    void encoderStateDictHasPyTorchsKeysAndShapesInOrder() {
        Map<String, Tensor> state = new TransformerEncoderLayer(8, 2, 16).stateDict();
        List<String> expectedKeys = new ArrayList<>();
        ROOT.get("encoder_state_shapes").fieldNames().forEachRemaining(expectedKeys::add);
        assertEquals(expectedKeys, new ArrayList<>(state.keySet()));
        for (String key : expectedKeys) {
            JsonNode shape = ROOT.get("encoder_state_shapes").get(key);
            long[] expected = new long[shape.size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = shape.get(i).asLong();
            }
            assertArrayEquals(expected, state.get(key).shape(), key);
        }
    }

    @Test
    void parametersStartAsPyTorchsDo() {
        Nabla.manualSeed(7);
        MultiheadAttention mha = new MultiheadAttention(64, 4);
        double bound = Math.sqrt(6.0 / (64 + 3 * 64));
        double[] w = mha.inProjWeight().toDoubleArray();
        double max = 0;
        for (double x : w) {
            max = Math.max(max, Math.abs(x));
        }
        assertTrue(max <= bound && max > 0.9 * bound, "in_proj_weight is Xavier-uniform within " + bound + ", max " + max);
        assertEquals(0, mha.inProjBias().abs().sum().item(), 0);
        assertEquals(0, mha.outProj().bias().abs().sum().item(), 0);
        Tensor e = new Embedding(1000, 10).weight();
        assertEquals(0, e.mean().item(), 0.05, "Embedding is N(0, 1)");
        assertEquals(1, e.sub(e.mean()).pow(2).mean().sqrt().item(), 0.05, "Embedding is N(0, 1)");
        LayerNorm norm = new LayerNorm(3);
        assertArrayEquals(new float[] {1, 1, 1}, norm.weight().toFloatArray());
        assertArrayEquals(new float[] {0, 0, 0}, norm.bias().toFloatArray());
    }

    @Test
    void trainingDropsAndEveryParameterGetsAGradient() {
        Nabla.manualSeed(3);
        TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, 16, 0.5, "gelu", true);
        Tensor x = Tensor.randn(2, 5, 8);
        Tensor train = layer.forward(x, null, true);
        layer.eval();
        Tensor eval = layer.forward(x, null, true);
        assertTrue(train.sub(eval).abs().max().item() > 1e-3, "dropout acts while training");
        layer.train();
        layer.forward(x, null, true).pow(2).sum().backward();
        for (Map.Entry<String, Parameter> p : layer.namedParameters().entrySet()) {
            assertNotNull(p.getValue().grad(), p.getKey());
        }
        Iterator<Parameter> it = layer.parameters().iterator();
        assertTrue(it.next().grad().abs().sum().item() > 0, "the attention's input projection learns");
    }

    @Test
    void errorsNameTheModuleAndWhatWasWrong() {
        assertMessage("MultiheadAttention: embed_dim must be divisible by num_heads, got embed_dim=10, num_heads=3",
                () -> new MultiheadAttention(10, 3));
        assertMessage("TransformerEncoderLayer: activation should be relu/gelu, not tanh",
                () -> new TransformerEncoderLayer(8, 2, 16, 0.1, "tanh", false));
        MultiheadAttention mha = new MultiheadAttention(8, 2);
        Tensor x = Tensor.zeros(2, 3, 8);
        assertMessage("MultiheadAttention: the shape of the 2D attn_mask is [3, 4], but should be [3, 3]",
                () -> mha.forward(x, x, x, Tensor.zeros(DType.BOOL, 3, 4), false));
        assertMessage("MultiheadAttention: an explicit attnMask should not be set when causal is true; pass one of them",
                () -> mha.forward(x, x, x, Tensor.zeros(DType.BOOL, 3, 3), true));
        assertMessage("MultiheadAttention: was expecting embedding dimension of 8, but got shapes [2, 3, 4], [2, 3, 4],"
                + " [2, 3, 4]", () -> mha.forward(Tensor.zeros(2, 3, 4), Tensor.zeros(2, 3, 4), Tensor.zeros(2, 3, 4)));
        assertMessage("TransformerEncoderLayer: expected a batch-first input [N, L, d_model], got shape [3, 8]",
                () -> new TransformerEncoderLayer(8, 2, 16).forward(Tensor.zeros(3, 8)));
        assertMessage("CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0. Got: -0.1",
                () -> new CrossEntropyLoss(Reduction.MEAN, -100, -0.1));
    }

    private static void assertMessage(String expected, Runnable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call::run).getMessage());
    }
}
