package dev.nabla.samples.charlm;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Grad;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.io.SafeTensors;
import dev.nabla.nn.Functional;
import dev.nabla.nn.Utils;
import dev.nabla.optim.AdamW;
import dev.nabla.optim.CosineAnnealingLR;
import dev.nabla.samples.digits.DigitsTraining;
import dev.nabla.samples.digits.LossPlot;
import java.awt.AWTError;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Trains a {@link CharTransformer} to predict the next character of a text, checkpoints it (model,
 * optimizer and learning-rate schedule in one safetensors file), resumes from such a checkpoint,
 * plots the losses and samples text from the model.
 *
 * <p>Note [Bit-identical resume]: nothing a step draws depends on the steps before it. Step
 * {@code s}'s batch comes from a generator seeded with {@code (seed, s)}, and Nabla's global
 * generator (dropout) is reseeded the same way before the step; the model, AdamW's moments and
 * step counts, and the schedule are all in the checkpoint, saved bit for bit. So a run resumed
 * after step {@code s} computes exactly what the uninterrupted run computes.
 */
public final class CharLmTraining {
    /** The checkpoint written into the output folder (after every evaluation). */
    public static final String CHECKPOINT_FILE = "charlm-checkpoint.safetensors";
    /** The loss plot written into the output folder. */
    public static final String PLOT_FILE = "charlm-loss.png";
    /** The losses as CSV ({@code step,train_loss,validation_loss}), written even where no plot can be drawn. */
    public static final String LOSSES_FILE = "charlm-loss.csv";

    private static final String MODEL = "model.";
    private static final String OPTIMIZER = "optimizer.";
    private static final String SCHEDULER = "scheduler.";
    private static final String FORMAT = "nabla-charlm-1";

    private CharLmTraining() {}

    /**
     * What to train, and how.
     *
     * @param shape the model's sizes (its vocabulary must be the text's)
     * @param steps optimizer steps in the whole run, at least 1
     * @param batchSize windows per step, at least 1
     * @param learningRate AdamW's peak learning rate, positive; a cosine schedule takes it down to a
     *     tenth by the last step
     * @param weightDecay AdamW's decoupled weight decay, non-negative
     * @param clipNorm the largest total gradient norm, positive
     * @param evalEvery steps between evaluations (and checkpoints), at least 1; the last step always evaluates
     * @param evalBatches validation batches per evaluation, at least 1
     * @param seed seeds the weights, the batches, dropout and the validation windows
     * @param device where to train
     * @param out the folder for the checkpoint, the plot and the losses, created if missing
     * @param resume whether to continue from the checkpoint in {@code out}
     * @param stopAfter the last step this call takes, evaluating and checkpointing there, as if
     *     interrupted (a later {@code resume} continues); 0 runs to {@code steps}
     * @param progress whether to draw a progress bar (only on a terminal)
     */
    public record Config(CharTransformer.Shape shape, int steps, int batchSize, double learningRate, double weightDecay,
                         double clipNorm, int evalEvery, int evalBatches, long seed, Device device, Path out,
                         boolean resume, int stopAfter, boolean progress) {
        /** @throws IllegalArgumentException naming the first setting out of range */
        public Config {
            require(shape != null, "the model shape must not be null");
            require(steps >= 1, "steps must be at least 1, got " + steps);
            require(batchSize >= 1, "the batch size must be at least 1, got " + batchSize);
            require(learningRate > 0 && Double.isFinite(learningRate), "the learning rate must be positive, got "
                    + learningRate);
            require(weightDecay >= 0 && Double.isFinite(weightDecay), "the weight decay must be non-negative, got "
                    + weightDecay);
            require(clipNorm > 0, "the gradient clipping norm must be positive, got " + clipNorm);
            require(evalEvery >= 1, "the evaluation interval must be at least 1 step, got " + evalEvery);
            require(evalBatches >= 1, "the evaluation batches must be at least 1, got " + evalBatches);
            require(stopAfter >= 0, "the step to stop after must be non-negative, got " + stopAfter);
            require(device != null, "device must not be null");
            require(out != null, "the output folder must not be null");
        }

        /** The settings a resumed run must share with the checkpoint, by name, as metadata strings. */
        Map<String, String> settings() {
            Map<String, String> s = new LinkedHashMap<>();
            s.put("vocab_size", Integer.toString(shape.vocab()));
            s.put("context", Integer.toString(shape.context()));
            s.put("d_model", Integer.toString(shape.dModel()));
            s.put("heads", Integer.toString(shape.heads()));
            s.put("layers", Integer.toString(shape.layers()));
            s.put("dropout", Double.toString(shape.dropout()));
            s.put("logit_cap", Double.toString(shape.logitCap()));
            s.put("steps", Integer.toString(steps));
            s.put("batch_size", Integer.toString(batchSize));
            s.put("lr", Double.toString(learningRate));
            s.put("weight_decay", Double.toString(weightDecay));
            s.put("clip_norm", Double.toString(clipNorm));
            s.put("eval_every", Integer.toString(evalEvery));
            s.put("eval_batches", Integer.toString(evalBatches));
            s.put("seed", Long.toString(seed));
            return s;
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /**
     * One evaluation.
     *
     * @param step the optimizer steps taken
     * @param trainLoss the mean training cross-entropy (nats per character) of the steps since the last evaluation
     * @param validationLoss the cross-entropy on the validation windows
     */
    public record Point(int step, double trainLoss, double validationLoss) {}

    /**
     * What training produced.
     *
     * @param model the trained model, in training mode
     * @param history every evaluation of the run, the resumed part's included
     * @param checkpoint the checkpoint file
     * @param plot the loss plot, or null if none could be drawn (no fonts, say)
     * @param stepsRun the steps this call took (fewer than the run's when resumed or stopped early)
     */
    public record Result(CharTransformer model, List<Point> history, Path checkpoint, Path plot, int stepsRun) {
        /** The validation loss of the last evaluation. */
        public double validationLoss() {
            return history.get(history.size() - 1).validationLoss();
        }
    }

    /**
     * Trains on {@code corpus} as {@code config} says, printing a line per evaluation to {@code log}.
     *
     * @throws IllegalArgumentException if the model's vocabulary is not the corpus's, the
     *     validation text is shorter than a window, or (with {@code resume}) the checkpoint is
     *     missing or was written with other settings (the first differing one is named)
     * @throws IllegalStateException if no backend can run on the device
     * @throws IOException if the checkpoint cannot be read or written
     */
    public static Result train(Config config, CharCorpus corpus, PrintStream log) throws IOException {
        DigitsTraining.requireAvailable(config.device());
        CharTransformer.Shape shape = config.shape();
        if (shape.vocab() != corpus.vocabulary().length()) {
            throw new IllegalArgumentException("charlm: the model's vocabulary has " + shape.vocab()
                    + " characters but the text's has " + corpus.vocabulary().length());
        }
        int window = shape.context() + 1;
        if (corpus.validation().length < window || corpus.train().length < window) {
            throw new IllegalArgumentException("charlm: the training and validation texts need at least " + window
                    + " characters each (context + 1), got " + corpus.train().length + " and " + corpus.validation().length);
        }
        Nabla.manualSeed(config.seed());
        CharTransformer model = new CharTransformer(shape);
        model.to(config.device());
        AdamW optimizer = new AdamW(model.parameters(),
                AdamW.options().lr(config.learningRate()).weightDecay(config.weightDecay()));
        CosineAnnealingLR scheduler = new CosineAnnealingLR(optimizer, config.steps(), config.learningRate() / 10);
        Path checkpoint = config.out().resolve(CHECKPOINT_FILE);
        List<Point> history = new ArrayList<>();
        int start = 0;
        if (config.resume()) {
            start = restore(checkpoint, config, corpus.vocabulary(), model, optimizer, scheduler, history);
            log.printf("charlm: resumed %s after step %d of %d%n", checkpoint, start, config.steps());
        }
        Tensor[] validation = validationBatches(config, corpus.validation());
        log.printf("charlm: %d training and %d validation characters, vocabulary of %d, %d parameters%n",
                corpus.train().length, corpus.validation().length, shape.vocab(), parameterCount(model));

        int last = config.stopAfter() == 0 ? config.steps() : Math.min(config.stopAfter(), config.steps());
        int width = Integer.toString(config.steps()).length();
        if (start == 0) {
            // The untrained model's loss, the point the curve falls from (ln(vocab) for a uniform guess).
            log.printf("step %" + width + "d/%d  validation loss %.4f%n", 0, config.steps(), evaluate(model, validation));
        }
        for (int from = start + 1; from <= last; ) {
            // One bar per evaluation interval, closed before its line is printed: a bar left open
            // redraws over whatever is printed under it.
            int to = Math.min(last, (from - 1) / config.evalEvery() * config.evalEvery() + config.evalEvery());
            double lossSum = 0;
            try (ProgressBar bar = progressBar(config, from, to, width)) {
                for (int step = from; step <= to; step++) {
                    Tensor[] batch = batch(config, corpus.train(), step);
                    Nabla.manualSeed(stepSeed(config.seed(), step));
                    optimizer.zeroGrad();
                    Tensor loss = loss(model, batch[0], batch[1]);
                    loss.backward();
                    Utils.clipGradNorm(model.parameters(), config.clipNorm());
                    optimizer.step();
                    scheduler.step();
                    lossSum += loss.item();
                    if (bar != null) {
                        bar.step();
                        bar.setExtraMessage(String.format("loss %.3f", lossSum / (step - from + 1)));
                    }
                }
            }
            Point point = new Point(to, lossSum / (to - from + 1), evaluate(model, validation));
            history.add(point);
            save(checkpoint, config, corpus.vocabulary(), model, optimizer, scheduler, history);
            log.printf("step %" + width + "d/%d  train loss %.4f  validation loss %.4f  lr %.2e%n", to, config.steps(),
                    point.trainLoss(), point.validationLoss(), scheduler.lastLr()[0]);
            from = to + 1;
        }
        Path plot = writeLosses(history, config.out(), log);
        return new Result(model, history, checkpoint, plot, Math.max(0, last - start));
    }

    /**
     * The mean next-character cross-entropy of {@code model} on windows {@code x} (inputs) and
     * {@code y} (the same windows shifted by one), both {@code [N, L]} INT64.
     */
    public static Tensor loss(CharTransformer model, Tensor x, Tensor y) {
        Tensor logits = model.forward(x);
        return Functional.crossEntropy(logits.reshape(-1, model.shape().vocab()), y.reshape(-1));
    }

    /**
     * Continues {@code prompt} by {@code count} characters, each drawn from the model's
     * distribution at temperature {@code temperature} (the logits divided by it) with a generator
     * seeded by {@code seed}: the same arguments give the same text. The model sees the last
     * {@code context} characters.
     *
     * @param vocabulary the corpus's vocabulary (ids to characters)
     * @throws IllegalArgumentException if the prompt is empty or has a character outside the
     *     vocabulary, {@code count} is negative or the temperature is not positive
     */
    public static String sample(CharTransformer model, String vocabulary, String prompt, int count, double temperature,
            long seed) {
        if (prompt == null || prompt.isEmpty()) {
            throw new IllegalArgumentException("charlm sample: the prompt must not be empty");
        }
        if (count < 0) {
            throw new IllegalArgumentException("charlm sample: the count must be non-negative, got " + count);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("charlm sample: the temperature must be positive, got " + temperature);
        }
        List<Long> ids = new ArrayList<>();
        for (long id : CharCorpus.encode(vocabulary, prompt)) {
            ids.add(id);
        }
        Random random = new Random(seed);
        Device device = model.parameters().get(0).device();
        StringBuilder text = new StringBuilder(prompt);
        boolean training = model.isTraining();
        model.eval();
        try (Grad.Scope off = Grad.disabled()) {
            for (int i = 0; i < count; i++) {
                int length = Math.min(ids.size(), model.shape().context());
                long[] window = new long[length];
                for (int j = 0; j < length; j++) {
                    window[j] = ids.get(ids.size() - length + j);
                }
                Tensor logits = model.forward(Tensor.of(window).reshape(1, length).to(device));
                double[] last = logits.narrow(1, length - 1, 1).reshape(-1).to(DType.FLOAT64).toDoubleArray();
                int next = draw(last, temperature, random);
                ids.add((long) next);
                text.append(vocabulary.charAt(next));
            }
        } finally {
            model.train(training);
        }
        return text.toString();
    }

    /** An index drawn with probability {@code softmax(logits / temperature)}, computed stably in double. */
    private static int draw(double[] logits, double temperature, Random random) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double[] weights = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            weights[i] = Math.exp((logits[i] - max) / temperature);
            total += weights[i];
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** Step {@code step}'s batch: {@code batchSize} random windows of the training text, inputs and targets. */
    static Tensor[] batch(Config config, long[] text, int step) {
        return windows(new SplittableRandom(stepSeed(config.seed(), step)), text, config.batchSize(),
                config.shape().context(), config.device());
    }

    /** A generator seed for step {@code step} of a run seeded with {@code seed}, apart from every other step's. */
    private static long stepSeed(long seed, int step) {
        return seed * 0x9E3779B97F4A7C15L + step;
    }

    /** The validation windows, the same in every evaluation and every resumed run: inputs and targets, alternately. */
    private static Tensor[] validationBatches(Config config, long[] text) {
        SplittableRandom random = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
        Tensor[] batches = new Tensor[2 * config.evalBatches()];
        for (int b = 0; b < config.evalBatches(); b++) {
            Tensor[] pair = windows(random, text, config.batchSize(), config.shape().context(), config.device());
            batches[2 * b] = pair[0];
            batches[2 * b + 1] = pair[1];
        }
        return batches;
    }

    private static Tensor[] windows(SplittableRandom random, long[] text, int count, int context, Device device) {
        long[] x = new long[count * context];
        long[] y = new long[count * context];
        for (int i = 0; i < count; i++) {
            int start = random.nextInt(text.length - context);
            System.arraycopy(text, start, x, i * context, context);
            System.arraycopy(text, start + 1, y, i * context, context);
        }
        return new Tensor[] {Tensor.of(x).reshape(count, context).to(device), Tensor.of(y).reshape(count, context).to(device)};
    }

    /** The mean validation loss, in evaluation mode and without a graph. */
    private static double evaluate(CharTransformer model, Tensor[] validation) {
        try (Grad.Scope off = Grad.disabled()) {
            model.eval();
            double sum = 0;
            for (int b = 0; b < validation.length; b += 2) {
                sum += loss(model, validation[b], validation[b + 1]).item();
            }
            return sum / (validation.length / 2);
        } finally {
            model.train();
        }
    }

    private static long parameterCount(CharTransformer model) {
        return model.parameters().stream().mapToLong(Tensor::numel).sum();
    }

    /** Writes the model, optimizer and scheduler state, the settings, the vocabulary and the history. */
    private static void save(Path file, Config config, String vocabulary, CharTransformer model, AdamW optimizer,
            CosineAnnealingLR scheduler, List<Point> history) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> tensors.put(MODEL + k, v));
        optimizer.stateDict().forEach((k, v) -> tensors.put(OPTIMIZER + k, v));
        scheduler.stateDict().forEach((k, v) -> tensors.put(SCHEDULER + k, v));
        Map<String, String> metadata = new LinkedHashMap<>(config.settings());
        metadata.put("format", FORMAT);
        metadata.put("vocabulary", vocabulary);
        metadata.put("step", Integer.toString(history.get(history.size() - 1).step()));
        StringBuilder lines = new StringBuilder();
        for (Point p : history) {
            lines.append(p.step()).append(',').append(p.trainLoss()).append(',').append(p.validationLoss()).append('\n');
        }
        metadata.put("history", lines.toString());
        Files.createDirectories(file.getParent() == null ? Path.of(".") : file.getParent());
        SafeTensors.save(tensors, metadata, file);
    }

    /** Loads a checkpoint written by {@link #save} into the given objects; returns the steps it had taken. */
    private static int restore(Path file, Config config, String vocabulary, CharTransformer model, AdamW optimizer,
            CosineAnnealingLR scheduler, List<Point> history) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("charlm: --resume needs a checkpoint, but " + file + " does not exist");
        }
        Map<String, String> metadata = SafeTensors.metadata(file);
        if (!FORMAT.equals(metadata.get("format"))) {
            throw new IllegalArgumentException("charlm: " + file + " is not a charlm checkpoint (format "
                    + metadata.get("format") + ", expected " + FORMAT + ")");
        }
        for (Map.Entry<String, String> e : config.settings().entrySet()) {
            if (!e.getValue().equals(metadata.get(e.getKey()))) {
                throw new IllegalArgumentException("charlm: the checkpoint was written with " + e.getKey() + " "
                        + metadata.get(e.getKey()) + ", but this run has " + e.getValue()
                        + "; resume with the checkpoint's settings");
            }
        }
        if (!vocabulary.equals(metadata.get("vocabulary"))) {
            throw new IllegalArgumentException("charlm: the checkpoint was trained on a text with another vocabulary");
        }
        Map<String, Tensor> tensors = SafeTensors.load(file);
        model.loadStateDict(withPrefix(tensors, MODEL));
        optimizer.loadStateDict(withPrefix(tensors, OPTIMIZER));
        scheduler.loadStateDict(withPrefix(tensors, SCHEDULER));
        for (String line : metadata.get("history").split("\n")) {
            String[] f = line.split(",");
            history.add(new Point(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])));
        }
        return Integer.parseInt(metadata.get("step"));
    }

    private static Map<String, Tensor> withPrefix(Map<String, Tensor> tensors, String prefix) {
        Map<String, Tensor> out = new HashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /**
     * Writes the losses as CSV, then tries the plot: a machine without fonts (a bare container's
     * JDK) cannot draw text, which must not cost the trained model, so that failure is one line
     * on {@code log} and a null plot.
     */
    private static Path writeLosses(List<Point> history, Path out, PrintStream log) throws IOException {
        Files.createDirectories(out);
        StringBuilder csv = new StringBuilder("step,train_loss,validation_loss\n");
        double[] steps = new double[history.size()];
        double[] train = new double[history.size()];
        double[] validation = new double[history.size()];
        for (int i = 0; i < history.size(); i++) {
            Point p = history.get(i);
            csv.append(p.step()).append(',').append(p.trainLoss()).append(',').append(p.validationLoss()).append('\n');
            steps[i] = p.step();
            train[i] = p.trainLoss();
            validation[i] = p.validationLoss();
        }
        Files.writeString(out.resolve(LOSSES_FILE), csv, StandardCharsets.UTF_8);
        Path plot = out.resolve(PLOT_FILE);
        try {
            LossPlot.write("Character transformer on the KJV: cross-entropy (nats per character)", "step", steps,
                    List.of(new LossPlot.Curve("train", train), new LossPlot.Curve("validation", validation)), plot);
            return plot;
        } catch (LinkageError | InternalError | AWTError e) {
            // As the digits demo: AWT's font manager loads when the first text is drawn, and fails there with an Error.
            log.println("charlm: loss plot skipped: Java cannot draw text on this machine, its font libraries do not"
                    + " load (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "); the losses are in "
                    + out.resolve(LOSSES_FILE));
            return null;
        }
    }

    /**
     * A bar over steps {@code from} to {@code to}, or null when none is wanted or the console is
     * not a terminal (a bar redrawn into a log file or a pipe would flood it; the evaluation
     * lines report progress there).
     */
    private static ProgressBar progressBar(Config config, int from, int to, int width) {
        if (!config.progress() || System.console() == null) {
            return null;
        }
        return new ProgressBarBuilder()
                .setTaskName(String.format("steps %" + width + "d-%" + width + "d", from, to))
                .setMaxRenderedLength(100)
                .setInitialMax(to - from + 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(200)
                .continuousUpdate()
                .build();
    }
}
