package dev.nabla.samples.digits;

import dev.nabla.Device;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The command line of the main job ({@link DigitsTraining}): {@code ./digits.sh --help} lists
 * the options, each of which has a default, so it runs with no arguments.
 */
@Command(name = "digits.sh", mixinStandardHelpOptions = true, version = "Nabla digits demo 0.1.0",
        description = "Trains an MLP (or a CNN) made of custom differentiable ops (Nabla's DSL) on the UCI digits, "
                + "reports the accuracy on a held-out split, and writes the weights (safetensors) and a loss plot (PNG).",
        sortOptions = false, showDefaultValues = true)
public final class DigitsDemo implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "mlp", description = "The network: mlp or cnn (a convolutional one whose"
            + " convolutions are a fused DSL op).")
    String model;

    @Option(names = "--epochs", defaultValue = "20", description = "Passes over the training split.")
    int epochs;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam's learning rate.")
    double learningRate;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per training step.")
    int batchSize;

    @Option(names = "--hidden", defaultValue = "256", description = "Units in each of the two hidden layers.")
    int hidden;

    @Option(names = "--test-fraction", defaultValue = "0.2", description = "Share of the images held out for testing.")
    double testFraction;

    @Option(names = "--seed", defaultValue = "0", description = "Seeds the split, the weights and the batch order.")
    long seed;

    @Option(names = {"-o", "--out"}, defaultValue = "digits-output", description = "Folder for the weights and the plot.")
    Path out;

    @Option(names = "--device", defaultValue = "cpu", description = "Where to train: cpu, cuda or cuda:N.")
    String device;

    @Option(names = "--no-progress", description = "Do not draw progress bars.")
    boolean noProgress;

    /** Injected by picocli: errors go to its error writer, which a test can replace. */
    @Spec
    CommandSpec spec;

    /** Runs the demo; the exit status is 0 on success, 2 for bad options, 1 when training fails. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new DigitsDemo()).execute(args));
    }

    /** @throws IllegalArgumentException naming the choices when {@code name} is neither mlp nor cnn */
    private static DigitsTraining.Model model(String name) {
        switch (name) {
            case "mlp":
                return DigitsTraining.Model.MLP;
            case "cnn":
                return DigitsTraining.Model.CNN;
            default:
                throw new IllegalArgumentException("--model must be mlp or cnn, got '" + name + "'");
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        DigitsTraining.Config config;
        try {
            config = new DigitsTraining.Config(epochs, learningRate, batchSize, hidden, testFraction, seed,
                    Device.parse(device), out, !noProgress, model(model));
        } catch (IllegalArgumentException e) {
            err.println("digits: " + e.getMessage());
            return 2;
        }
        long start = System.nanoTime();
        DigitsTraining.Result result;
        try {
            result = DigitsTraining.train(config, System.out);
        } catch (IllegalStateException e) {
            // For example --device cuda on a machine without a usable GPU: one line that says why.
            err.println("digits: " + e.getMessage());
            return 1;
        }
        System.out.printf("test accuracy %.4f on the held-out images after %d epochs (%.1f s)%n", result.testAccuracy(),
                epochs, (System.nanoTime() - start) / 1e9);
        System.out.println("weights: " + result.weights().toAbsolutePath());
        result.plot().ifPresent(plot -> System.out.println("loss plot: " + plot.toAbsolutePath()));
        return 0;
    }
}
