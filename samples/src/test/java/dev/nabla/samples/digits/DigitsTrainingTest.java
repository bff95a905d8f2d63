package dev.nabla.samples.digits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Grad;
import dev.nabla.Tensor;
import dev.nabla.backend.Backend;
import dev.nabla.backend.Backends;
import dev.nabla.data.Datasets;
import dev.nabla.data.Split;
import dev.nabla.data.TensorDataset;
import dev.nabla.io.SafeTensors;
import dev.nabla.nn.Sequential;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The main job, shortened to a few epochs: it learns, and what it writes can be read back. */
class DigitsTrainingTest {
    private static DigitsTraining.Config config(int epochs, Path out) {
        return new DigitsTraining.Config(epochs, 3e-3, 64, 64, 0.2, 0, Device.CPU, out, false);
    }

    @Test
    void learnsTheDigitsAndWritesWeightsAndPlot(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DigitsTraining.Result result = DigitsTraining.train(config(6, dir), new PrintStream(log, true, StandardCharsets.UTF_8));

        assertEquals(6, result.history().size());
        assertTrue(result.testAccuracy() > 0.9, "held-out accuracy " + result.testAccuracy());
        assertTrue(result.history().get(5).trainLoss() < result.history().get(0).trainLoss() / 2, result.history().toString());
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("epoch 6/6  train loss"), printed);
        assertTrue(printed.contains("(0): CustomOpLinear(in_features=64, out_features=64, bias=True)"), printed);

        BufferedImage plot = ImageIO.read(result.plot().orElseThrow().toFile());
        assertEquals(800, plot.getWidth());
        assertEquals(500, plot.getHeight());
        assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().contains(".tmp")), "no temporary files left");

        // The saved weights, loaded into a fresh model, classify the held-out images identically.
        Sequential fresh = DigitsTraining.model(64);
        fresh.loadStateDict(SafeTensors.load(result.weights()));
        Split<TensorDataset> split = Datasets.split(Datasets.digits(), 0.2, 0);
        Tensor x = split.test().tensor(0);
        try (Grad.Scope off = Grad.disabled()) {
            assertArrayEquals(result.model().forward(x).argmax(1).toLongArray(), fresh.forward(x).argmax(1).toLongArray());
        }
        assertEquals("6", SafeTensors.metadata(result.weights()).get("epochs"));
    }

    @Test
    void withoutFontLibrariesTheWeightsAreKeptAndThePlotSkippedInOneLine(@TempDir Path dir) throws Exception {
        // What AWT throws on a machine without libharfbuzz, the first time a chart draws text.
        LossPlot.Writer noFonts = (history, file) -> {
            throw new UnsatisfiedLinkError("/usr/lib/jvm/java-17/lib/libfontmanager.so: libharfbuzz.so.0: "
                    + "cannot open shared object file: No such file or directory");
        };
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DigitsTraining.Result result = DigitsTraining.train(config(1, dir), new PrintStream(log, true, StandardCharsets.UTF_8),
                noFonts);

        assertTrue(result.plot().isEmpty());
        assertTrue(Files.notExists(dir.resolve(DigitsTraining.PLOT_FILE)));
        assertEquals("1", SafeTensors.metadata(result.weights()).get("epochs"), "the weights are written");
        Sequential fresh = DigitsTraining.model(64);
        fresh.loadStateDict(SafeTensors.load(result.weights()));
        String[] lines = log.toString(StandardCharsets.UTF_8).split("\\R");
        assertEquals("loss plot skipped: Java cannot draw text on this machine, its font libraries do not load "
                + "(UnsatisfiedLinkError: /usr/lib/jvm/java-17/lib/libfontmanager.so: libharfbuzz.so.0: cannot open shared "
                + "object file: No such file or directory); the weights are saved", lines[lines.length - 1]);
    }

    @Test
    void theCnnLearnsAndItsWeightsReload(@TempDir Path dir) throws Exception {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        DigitsTraining.Result result = DigitsTraining.train(new DigitsTraining.Config(2, 3e-3, 64, 64, 0.2, 0, Device.CPU,
                dir, false, DigitsTraining.Model.CNN), quiet);

        assertTrue(result.testAccuracy() > 0.9, "held-out accuracy " + result.testAccuracy());
        assertEquals(DigitsTraining.CNN_WEIGHTS_FILE, result.weights().getFileName().toString());
        Sequential fresh = DigitsTraining.cnn();
        fresh.loadStateDict(SafeTensors.load(result.weights()));
        fresh.eval();
        result.model().eval();
        Tensor x = Datasets.split(Datasets.digits(), 0.2, 0).test().tensor(0);
        try (Grad.Scope off = Grad.disabled()) {
            assertArrayEquals(result.model().forward(x).argmax(1).toLongArray(), fresh.forward(x).argmax(1).toLongArray());
        }
    }

    @Test
    void sameSeedSameRun(@TempDir Path dir) throws Exception {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        DigitsTraining.Result a = DigitsTraining.train(config(1, dir.resolve("a")), quiet);
        DigitsTraining.Result b = DigitsTraining.train(config(1, dir.resolve("b")), quiet);
        assertEquals(a.history(), b.history());
    }

    /** Why CUDA cannot be used here, as the backend says it, or empty when it can. */
    private static Optional<String> cudaUnavailableReason() {
        Optional<Backend> cuda = Backends.named("cuda");
        if (cuda.isEmpty()) {
            return Optional.of("no CUDA backend on the class path");
        }
        return cuda.get().isAvailable() ? Optional.empty() : Optional.of(cuda.get().unavailableReason());
    }

    @Test
    void withoutCudaTheDemoSaysWhyInOneLine(@TempDir Path dir) {
        Optional<String> reason = cudaUnavailableReason();
        assumeTrue(reason.isPresent(), "CUDA is available here");
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        int status = new CommandLine(new DigitsDemo()).setErr(new PrintWriter(err, true)).setOut(new PrintWriter(out, true))
                .execute("--device", "cuda", "--epochs", "1", "--no-progress", "-o", dir.toString());

        assertEquals(1, status);
        assertEquals("digits: CUDA is not available: " + reason.get() + System.lineSeparator(), err.toString());
        assertEquals("", out.toString());
        assertTrue(Files.notExists(dir.resolve(DigitsTraining.WEIGHTS_FILE)), "nothing is trained or written");
    }

    @Test
    void anUnknownModelIsABadOption(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        int status = new CommandLine(new DigitsDemo()).setErr(new PrintWriter(err, true))
                .execute("--model", "rnn", "--no-progress", "-o", dir.toString());

        assertEquals(2, status);
        assertEquals("digits: --model must be mlp or cnn, got 'rnn'" + System.lineSeparator(), err.toString());
    }

    @Test
    void aDeviceTypeWithoutBackendIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DigitsTraining.requireAvailable(Device.of("no_such_accelerator", 0)));
        assertEquals("device type 'no_such_accelerator' is not available: no 'no_such_accelerator' backend on the class path",
                e.getMessage());
    }

    /** The main job on the GPU; skipped, with the backend's reason, where CUDA cannot run. */
    @Test
    void trainsTwoEpochsOnCuda(@TempDir Path dir) throws Exception {
        Optional<String> reason = cudaUnavailableReason();
        assumeTrue(reason.isEmpty(), () -> reason.orElse(""));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        DigitsTraining.Result result = DigitsTraining.train(
                new DigitsTraining.Config(2, 1e-2, 64, 256, 0.2, 0, Device.CUDA, dir, false), quiet);

        assertTrue(result.testAccuracy() > 0.9, "held-out accuracy " + result.testAccuracy());
        assertTrue(result.history().get(1).trainLoss() < result.history().get(0).trainLoss(), result.history().toString());
        result.model().parameters().forEach(p -> assertEquals(Device.CUDA, p.device(), "the model trained on the GPU"));
        // GPU machines often have no font libraries: there the plot is skipped (tested below), the rest holds.
        if (result.plot().isPresent()) {
            assertEquals(800, ImageIO.read(result.plot().get().toFile()).getWidth());
        }

        // The weights, read back from GPU memory into a CPU model, classify as well there.
        Sequential onCpu = DigitsTraining.model(256);
        onCpu.loadStateDict(SafeTensors.load(result.weights()));
        Split<TensorDataset> split = Datasets.split(Datasets.digits(), 0.2, 0);
        onCpu.eval();
        try (Grad.Scope off = Grad.disabled()) {
            double accuracy = onCpu.forward(split.test().tensor(0)).argmax(1).eq(split.test().tensor(1))
                    .to(DType.FLOAT64).mean().item();
            assertEquals(result.testAccuracy(), accuracy, 0.01);
        }
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DigitsTraining.Config(0, 1e-3, 64, 64, 0.2, 0, Device.CPU, Path.of("x"), false));
        assertEquals("epochs must be at least 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new DigitsTraining.Config(1, 1e-3, 64, 64, 1.5, 0, Device.CPU, Path.of("x"), false));
        assertEquals("the test fraction must be in (0, 1), got 1.5", e.getMessage());
    }
}
