package dev.nabla.samples.charlm;

import dev.nabla.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The command line of the character language model ({@link CharLmTraining}): {@code ./charlm.sh
 * --help} lists the options, each of which has a default, so it runs with no arguments.
 */
@Command(name = "charlm.sh", mixinStandardHelpOptions = true, version = "Nabla charlm sample 0.1.0",
        description = "Trains a small decoder-only transformer to predict the next character of the King James "
                + "Bible's first five books (or --text FILE), with a custom DSL op on its logits; writes a resumable "
                + "checkpoint (safetensors), the losses (CSV and PNG), and samples text at the end.",
        sortOptions = false, showDefaultValues = true)
public final class CharLmDemo implements Callable<Integer> {
    /** The file the sampled text is also written to, in the output folder. */
    public static final String SAMPLE_FILE = "charlm-sample.txt";

    @Option(names = "--steps", defaultValue = "150", description = "Optimizer steps in the whole run.")
    int steps;

    @Option(names = "--batch-size", defaultValue = "16", description = "Text windows per step.")
    int batchSize;

    @Option(names = "--context", defaultValue = "64", description = "Characters the model sees (window length).")
    int context;

    @Option(names = "--d-model", defaultValue = "64", description = "Width of each position's vector.")
    int dModel;

    @Option(names = "--heads", defaultValue = "4", description = "Attention heads per layer.")
    int heads;

    @Option(names = "--layers", defaultValue = "2", description = "Transformer layers.")
    int layers;

    @Option(names = "--dropout", defaultValue = "0", description = "Dropout inside the layers.")
    double dropout;

    @Option(names = "--logit-cap", defaultValue = "30", description = "Soft cap on the logits (the LogitSoftcap op).")
    double logitCap;

    @Option(names = "--lr", defaultValue = "0.003", description = "AdamW's peak learning rate (cosine to a tenth).")
    double learningRate;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW's weight decay.")
    double weightDecay;

    @Option(names = "--clip", defaultValue = "1.0", description = "Largest total gradient norm.")
    double clip;

    @Option(names = "--eval-every", defaultValue = "25", description = "Steps between validation and checkpoint.")
    int evalEvery;

    @Option(names = "--eval-batches", defaultValue = "4", description = "Validation batches per evaluation.")
    int evalBatches;

    @Option(names = "--seed", defaultValue = "0", description = "Seeds the weights, the batches and the sampling.")
    long seed;

    @Option(names = "--text", description = "Train on this UTF-8 file (.gz allowed) instead of the bundled text.")
    Path text;

    @Option(names = {"-o", "--out"}, defaultValue = "charlm-output",
            description = "Folder for the checkpoint, the losses and the sample.")
    Path out;

    @Option(names = "--resume", description = "Continue the run whose checkpoint is in --out (same settings).")
    boolean resume;

    @Option(names = "--stop-after", defaultValue = "0",
            description = "Stop after this step, checkpointed, to --resume later (0: run all --steps).")
    int stopAfter;

    @Option(names = "--prompt", defaultValue = "And God said", description = "Text the sample starts from.")
    String prompt;

    @Option(names = "--sample-chars", defaultValue = "300", description = "Characters to sample at the end (0: none).")
    int sampleChars;

    @Option(names = "--temperature", defaultValue = "0.8", description = "Sampling temperature (lower: safer).")
    double temperature;

    @Option(names = "--device", defaultValue = "cpu", description = "Where to train: cpu, cuda or cuda:N.")
    String device;

    @Option(names = "--no-progress", description = "Do not draw the progress bar (never drawn off a terminal).")
    boolean noProgress;

    /** Injected by picocli: errors go to its error writer, which a test can replace. */
    @Spec
    CommandSpec spec;

    /** Runs the sample; the exit status is 0 on success, 2 for bad options, 1 when training fails. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new CharLmDemo()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        CharCorpus corpus;
        CharLmTraining.Config config;
        try {
            corpus = text == null ? CharCorpus.bundled() : CharCorpus.read(text);
            CharTransformer.Shape shape = new CharTransformer.Shape(corpus.vocabulary().length(), context, dModel, heads,
                    layers, dropout, logitCap);
            config = new CharLmTraining.Config(shape, steps, batchSize, learningRate, weightDecay, clip, evalEvery,
                    evalBatches, seed, Device.parse(device), out, resume, stopAfter, !noProgress);
            if (sampleChars < 0 || !(temperature > 0)) {
                throw new IllegalArgumentException("--sample-chars must be non-negative and --temperature positive, got "
                        + sampleChars + " and " + temperature);
            }
            CharCorpus.encode(corpus.vocabulary(), prompt);
        } catch (IllegalArgumentException | IOException e) {
            err.println("charlm: " + e.getMessage());
            return 2;
        }
        long start = System.nanoTime();
        CharLmTraining.Result result;
        try {
            result = CharLmTraining.train(config, corpus, System.out);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // A checkpoint that does not fit, or --device cuda without a usable GPU: one line that says why.
            err.println("charlm: " + e.getMessage());
            return 1;
        }
        System.out.printf("validation loss %.4f nats per character after step %d (%d this run, %.1f s)%n",
                result.validationLoss(), result.history().get(result.history().size() - 1).step(), result.stepsRun(), (System.nanoTime() - start) / 1e9);
        System.out.println("checkpoint: " + result.checkpoint().toAbsolutePath());
        if (result.plot() != null) {
            System.out.println("loss plot: " + result.plot().toAbsolutePath());
        }
        if (sampleChars > 0) {
            String sample = CharLmTraining.sample(result.model(), corpus.vocabulary(), prompt, sampleChars, temperature,
                    seed);
            Files.writeString(out.resolve(SAMPLE_FILE), sample + "\n");
            System.out.printf("sample (seed %d, temperature %s):%n%s%n", seed, temperature, sample);
        }
        return 0;
    }
}
