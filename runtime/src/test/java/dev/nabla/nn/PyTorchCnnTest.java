package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Grad;
import dev.nabla.Tensor;
import dev.nabla.io.SafeTensors;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A CNN trained by PyTorch ({@code nn/cnn/make_cnn.py}: convolutions, batch norms, both poolings,
 * flatten, dropout, linear layers) loads into the same Nabla model from its safetensors file,
 * with PyTorch's keys, prints as PyTorch printed it, and predicts PyTorch's logits within 1e-5.
 */
class PyTorchCnnTest {
    /** The model of {@code make_cnn.py}, layer for layer. */
    static Sequential model() {
        return new Sequential(
                new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
                new Conv2d(4, 8, 3, 1, 1), new ReLU(), new AvgPool2d(2), new Flatten(),
                new Linear(32, 16), new BatchNorm1d(16), new ReLU(), new Dropout(0.1), new Linear(16, 10));
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(PyTorchCnnTest.class.getResource("/nn/cnn/" + name).toURI());
    }

    @Test
    void loadsAndPredictsAsPyTorch() throws IOException, URISyntaxException {
        Sequential model = model();
        IncompatibleKeys keys = model.loadStateDict(SafeTensors.load(resource("cnn.safetensors")));
        assertTrue(keys.missingKeys().isEmpty() && keys.unexpectedKeys().isEmpty(), keys.toString());
        model.eval();
        Map<String, Tensor> expected = SafeTensors.load(resource("expected.safetensors"));
        Tensor logits;
        try (Grad.Scope off = Grad.disabled()) {
            logits = model.forward(expected.get("input"));
        }
        float[] want = expected.get("logits").toFloatArray();
        float[] got = logits.toFloatArray();
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5, "logit " + i);
        }
    }

    @Test
    void printsAsPyTorch() throws IOException, URISyntaxException {
        assertEquals(Files.readString(resource("repr.txt")), model().toString());
    }

    @Test
    void stateDictHasPyTorchsKeys() throws IOException, URISyntaxException {
        assertEquals(SafeTensors.load(resource("cnn.safetensors")).keySet().stream().sorted().toList(),
                model().stateDict().keySet().stream().sorted().toList());
    }
}
