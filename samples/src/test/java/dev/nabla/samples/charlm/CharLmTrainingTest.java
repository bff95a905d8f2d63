package dev.nabla.samples.charlm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Tensor;
import dev.nabla.autograd.OpGradcheck;
import dev.nabla.io.SafeTensors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The character language model, shrunk to seconds: it learns, its checkpoint restores the model
 * exactly, a stopped and resumed run is bit-identical to an uninterrupted one, and sampling
 * depends only on its seed.
 */
class CharLmTrainingTest {
    private static final CharCorpus CORPUS = CharCorpus.bundled();
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    private static CharLmTraining.Config config(Path out, int steps, int evalEvery, boolean resume, int stopAfter,
            double dropout) {
        CharTransformer.Shape shape = new CharTransformer.Shape(CORPUS.vocabulary().length(), 16, 32, 2, 1, dropout, 30);
        return new CharLmTraining.Config(shape, steps, 8, 1e-2, 0.01, 1.0, evalEvery, 2, 7, Device.CPU, out, resume,
                stopAfter, false);
    }

    @Test
    void bundledTextIsTheKjvSplitNinetyTen() {
        assertEquals(62, CORPUS.vocabulary().length());
        int total = CORPUS.train().length + CORPUS.validation().length;
        assertEquals((int) (total * CharCorpus.TRAIN_FRACTION), CORPUS.train().length);
        String start = decode(CORPUS.train(), 0, 54);
        assertEquals("In the beginning God created the heaven and the earth.", start);
    }

    @Test
    void validationLossFallsAndTheFilesAreWritten(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        CharLmTraining.Result result = CharLmTraining.train(config(dir, 40, 10, false, 0, 0), CORPUS,
                new PrintStream(log, true, StandardCharsets.UTF_8));

        List<CharLmTraining.Point> h = result.history();
        assertEquals(List.of(10, 20, 30, 40), h.stream().map(CharLmTraining.Point::step).toList());
        // ln(62) = 4.13 nats is a uniform guess; the character frequencies alone give about 3.1.
        assertTrue(h.get(3).validationLoss() < h.get(0).validationLoss() - 0.3, h.toString());
        assertTrue(h.get(3).validationLoss() < 3.1, h.toString());
        assertTrue(h.get(3).trainLoss() < h.get(0).trainLoss(), h.toString());
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("step 40/40  train loss"), printed);
        double initial = Double.parseDouble(printed.replaceAll("(?s).*step  0/40  validation loss ([0-9.]+)\n.*", "$1"));
        assertEquals(Math.log(CORPUS.vocabulary().length()), initial, 0.3, "an untrained model guesses about uniformly");
        List<String> csv = Files.readAllLines(dir.resolve(CharLmTraining.LOSSES_FILE));
        assertEquals("step,train_loss,validation_loss", csv.get(0));
        assertEquals("40," + h.get(3).trainLoss() + "," + h.get(3).validationLoss(), csv.get(4));
        if (result.plot() != null) {
            assertTrue(Files.size(result.plot()) > 0);
        }
        assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().contains(".tmp")), "no temporary files left");

        // The checkpoint holds the trained model, bit for bit: a fresh model loaded from it predicts identically.
        Map<String, Tensor> saved = SafeTensors.load(result.checkpoint());
        CharTransformer fresh = new CharTransformer(result.model().shape());
        Map<String, Tensor> weights = new TreeMap<>();
        saved.forEach((k, v) -> {
            if (k.startsWith("model.")) {
                weights.put(k.substring("model.".length()), v);
            }
        });
        fresh.loadStateDict(weights);
        assertStatesEqual(result.model().stateDict(), fresh.stateDict());
        Tensor x = CharLmTraining.batch(config(dir, 40, 10, false, 0, 0), CORPUS.validation(), 1)[0];
        assertArrayEquals(result.model().forward(x).toDoubleArray(), fresh.forward(x).toDoubleArray());
        assertTrue(saved.containsKey("optimizer.state.0.exp_avg") && saved.containsKey("scheduler.last_epoch"),
                saved.keySet().toString());
    }

    @Test
    void resumedRunIsBitIdenticalToAnUninterruptedOne(@TempDir Path dir) throws Exception {
        // Dropout on, so that the resumed run must also reproduce the random masks.
        Path whole = dir.resolve("whole");
        Path split = dir.resolve("split");
        CharLmTraining.Result uninterrupted = CharLmTraining.train(config(whole, 6, 2, false, 0, 0.1), CORPUS, QUIET);
        CharLmTraining.Result first = CharLmTraining.train(config(split, 6, 2, false, 3, 0.1), CORPUS, QUIET);
        assertEquals(3, first.stepsRun());
        CharLmTraining.Result resumed = CharLmTraining.train(config(split, 6, 2, true, 0, 0.1), CORPUS, QUIET);
        assertEquals(3, resumed.stepsRun());

        assertStatesEqual(uninterrupted.model().stateDict(), resumed.model().stateDict());
        Map<String, Tensor> a = SafeTensors.load(uninterrupted.checkpoint());
        Map<String, Tensor> b = SafeTensors.load(resumed.checkpoint());
        assertStatesEqual(a, b);
        // The same evaluations, plus the one the stop added at step 3.
        CharLmTraining.Point last = uninterrupted.history().get(uninterrupted.history().size() - 1);
        assertEquals(last, resumed.history().get(resumed.history().size() - 1));
        assertEquals(List.of(2, 3, 4, 6), resumed.history().stream().map(CharLmTraining.Point::step).toList());
        assertEquals(uninterrupted.history().get(0), resumed.history().get(0));
    }

    @Test
    void resumeRefusesOtherSettingsAndAMissingCheckpoint(@TempDir Path dir) throws Exception {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> CharLmTraining.train(config(dir, 4, 2, true, 0, 0), CORPUS, QUIET));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        CharLmTraining.train(config(dir, 4, 2, false, 2, 0), CORPUS, QUIET);
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> CharLmTraining.train(config(dir, 5, 2, true, 0, 0), CORPUS, QUIET));
        assertEquals("charlm: the checkpoint was written with steps 4, but this run has 5; resume with the checkpoint's"
                + " settings", other.getMessage());
    }

    @Test
    void samplingIsDeterministicForASeed() {
        CharTransformer model = new CharTransformer(config(Path.of("unused"), 1, 1, false, 0, 0).shape());
        String a = CharLmTraining.sample(model, CORPUS.vocabulary(), "And God said", 80, 0.8, 1);
        String b = CharLmTraining.sample(model, CORPUS.vocabulary(), "And God said", 80, 0.8, 1);
        String c = CharLmTraining.sample(model, CORPUS.vocabulary(), "And God said", 80, 0.8, 2);
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertEquals(12 + 80, a.length());
        assertTrue(a.startsWith("And God said"));
        assertTrue(model.isTraining(), "sampling restores training mode");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> CharLmTraining.sample(model, CORPUS.vocabulary(), "caf\u00e9", 5, 0.8, 1));
        assertTrue(unknown.getMessage().contains("U+00E9"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CharLmTraining.sample(model, CORPUS.vocabulary(), "A", 5, 0, 1));
    }

    @Test
    void logitSoftcapBoundsTheLogits() {
        Tensor x = Tensor.of(-100.0, -1.0, 0.0, 2.0, 100.0);
        double[] y = LogitSoftcapFunction.apply(x, 5.0).toDoubleArray();
        double[] in = x.toDoubleArray();
        for (int i = 0; i < y.length; i++) {
            assertEquals(5 * Math.tanh(in[i] / 5), y[i], 1e-12);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogitSoftcapFunction.apply(x, 0));
        assertEquals("LogitSoftcap: cap must be positive and finite, got 0.0", e.getMessage());
    }

    @Test
    void logitSoftcapPassesItsGeneratedGradcheck() {
        // nabla-junit also runs it on its own in every build; here it is tied to this sample's tests.
        OpGradcheck check = LogitSoftcapFunction.gradcheck();
        assertEquals(null, check.disabledReason());
        check.run();
    }

    @Test
    void commandLineReportsBadOptionsInOneLine(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        int status = new CommandLine(new CharLmDemo()).setErr(new PrintWriter(err))
                .execute("--heads", "3", "--out", dir.toString());
        assertEquals(2, status);
        assertEquals("charlm: the model width must be a positive multiple of heads (3), got 64", err.toString().trim());
        StringWriter help = new StringWriter();
        assertEquals(0, new CommandLine(new CharLmDemo()).setOut(new PrintWriter(help)).execute("--help"));
        assertTrue(help.toString().contains("--resume"), help.toString());
    }

    private static void assertStatesEqual(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(new TreeMap<>(expected).keySet(), new TreeMap<>(actual).keySet());
        expected.forEach((k, v) -> {
            assertEquals(v.dtype(), actual.get(k).dtype(), k);
            assertArrayEquals(v.shape(), actual.get(k).shape(), k);
            if (v.dtype() == DType.INT64) {
                assertArrayEquals(v.toLongArray(), actual.get(k).toLongArray(), k);
            } else {
                assertArrayEquals(v.toDoubleArray(), actual.get(k).toDoubleArray(), k);
            }
        });
    }

    private static String decode(long[] ids, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            s.append(CORPUS.vocabulary().charAt((int) ids[i]));
        }
        return s.toString();
    }
}
