package dev.nabla.data;

import dev.nabla.Tensor;
import dev.nabla.backend.cpu.CpuStorage;
import dev.nabla.internal.TensorAccess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * Small classic data sets shipped inside the runtime jar, and a seeded train/test split.
 *
 * <p>The data are copies of scikit-learn's bundled files (BSD licence): the UCI optical
 * recognition of handwritten digits (the 8x8 test set) and Fisher's iris. They are read from
 * the class path, so they work offline and from any working directory.
 */
public final class Datasets {
    private static final String DIGITS = "digits.csv.gz";
    private static final String IRIS = "iris.csv";
    private static final int DIGITS_SAMPLES = 1797;
    private static final int DIGITS_FEATURES = 64;

    private Datasets() {}

    /**
     * The handwritten digits: 1797 images of 8x8 pixels, each pixel a count in {@code 0..16}.
     * Field 0 is the FLOAT32 inputs of shape {@code [1797, 64]} (row-major pixels divided by
     * 16, so in {@code [0, 1]}), field 1 the INT64 labels of shape {@code [1797]} in
     * {@code 0..9}. This is exactly what Nabla's PyTorch benchmark computes with
     * {@code data[:, :64] / 16.0, data[:, 64].long()}.
     *
     * @throws UncheckedIOException if the resource cannot be read
     * @throws IllegalStateException if the resource is corrupt
     */
    public static TensorDataset digits() {
        float[] x = new float[DIGITS_SAMPLES * DIGITS_FEATURES];
        long[] y = new long[DIGITS_SAMPLES];
        List<String> lines = readLines(DIGITS);
        if (lines.size() != DIGITS_SAMPLES) {
            throw corrupt(DIGITS, "expected " + DIGITS_SAMPLES + " rows, found " + lines.size());
        }
        for (int row = 0; row < lines.size(); row++) {
            String[] cells = cells(DIGITS, lines.get(row), row, DIGITS_FEATURES + 1);
            for (int j = 0; j < DIGITS_FEATURES; j++) {
                x[row * DIGITS_FEATURES + j] = (float) number(DIGITS, cells[j], row, 0, 16) / 16f;
            }
            y[row] = label(DIGITS, cells[DIGITS_FEATURES], row, 9);
        }
        return new TensorDataset(matrix(x, DIGITS_SAMPLES, DIGITS_FEATURES), Tensor.of(y));
    }

    /**
     * Fisher's iris flowers: 150 samples of 4 measurements in centimetres (sepal length, sepal
     * width, petal length, petal width), 50 of each of 3 species. Field 0 is the FLOAT32
     * inputs of shape {@code [150, 4]}, field 1 the INT64 labels of shape {@code [150]}: 0
     * setosa, 1 versicolor, 2 virginica.
     *
     * @throws UncheckedIOException if the resource cannot be read
     * @throws IllegalStateException if the resource is corrupt
     */
    public static TensorDataset iris() {
        List<String> lines = readLines(IRIS);
        if (lines.isEmpty()) {
            throw corrupt(IRIS, "the file is empty");
        }
        // The header, as scikit-learn writes it: sample count, feature count, class names.
        String[] header = lines.get(0).split(",", -1);
        int samples;
        int features;
        try {
            samples = Integer.parseInt(header[0].trim());
            features = Integer.parseInt(header[1].trim());
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw corrupt(IRIS, "the header '" + lines.get(0) + "' does not start with the sample and feature counts");
        }
        int classes = header.length - 2;
        if (samples != lines.size() - 1 || features < 1 || classes < 1) {
            throw corrupt(IRIS, "the header '" + lines.get(0) + "' does not match the " + (lines.size() - 1) + " data rows");
        }
        float[] x = new float[samples * features];
        long[] y = new long[samples];
        for (int row = 0; row < samples; row++) {
            String[] cells = cells(IRIS, lines.get(row + 1), row + 1, features + 1);
            for (int j = 0; j < features; j++) {
                // Parsed as double and rounded once to float, as torch.tensor does with Python floats.
                x[row * features + j] = (float) number(IRIS, cells[j], row + 1, 0, Double.MAX_VALUE);
            }
            y[row] = label(IRIS, cells[features], row + 1, classes - 1);
        }
        return new TensorDataset(matrix(x, samples, features), Tensor.of(y));
    }

    /**
     * Divides a data set at random into a training and a test part, as scikit-learn's
     * {@code train_test_split}: {@code ceil(testFraction * size)} samples go to the test part,
     * the rest to the training part, each in the shuffled order. The same seed always gives
     * the same parts, whatever the global generator's state. A {@link TensorDataset} is split
     * into two new {@link TensorDataset}s holding copies of the selected rows (use
     * {@link #split(TensorDataset, double, long)} to keep that type); other data sets into
     * {@link Subset}s.
     *
     * @param testFraction the share of samples held out, strictly between 0 and 1
     * @throws IllegalArgumentException if {@code testFraction} is not strictly between 0 and 1,
     *     or either part would be empty
     */
    public static Split<Dataset> split(Dataset dataset, double testFraction, long seed) {
        long[][] parts = partition(dataset.size(), testFraction, seed);
        if (dataset instanceof TensorDataset) {
            TensorDataset td = (TensorDataset) dataset;
            return new Split<>(gather(td, parts[0]), gather(td, parts[1]));
        }
        return new Split<>(new Subset(dataset, parts[0]), new Subset(dataset, parts[1]));
    }

    /**
     * {@link #split(Dataset, double, long)} for a {@link TensorDataset}, typed so that each part
     * is a {@link TensorDataset} too (whose {@link TensorDataset#tensors()} hold the whole part,
     * e.g. to evaluate a model on the test set in one call). The parts are the same as the
     * general method gives for the same seed.
     *
     * @throws IllegalArgumentException if {@code testFraction} is not strictly between 0 and 1,
     *     or either part would be empty
     */
    public static Split<TensorDataset> split(TensorDataset dataset, double testFraction, long seed) {
        long[][] parts = partition(dataset.size(), testFraction, seed);
        return new Split<>(gather(dataset, parts[0]), gather(dataset, parts[1]));
    }

    /** {@code {train indices, test indices}}. */
    private static long[][] partition(int n, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("split: testFraction must be strictly between 0 and 1, got " + testFraction);
        }
        long testCount = (long) Math.ceil(testFraction * n);
        if (testCount >= n) {
            throw new IllegalArgumentException("split: a test fraction of " + testFraction + " of " + n
                    + " samples leaves no training samples");
        }
        long[] order = Batching.permutation(n, new SplittableRandom(seed));
        long[] test = new long[(int) testCount];
        long[] train = new long[n - test.length];
        System.arraycopy(order, 0, test, 0, test.length);
        System.arraycopy(order, test.length, train, 0, train.length);
        return new long[][] {train, test};
    }

    private static TensorDataset gather(TensorDataset dataset, long[] indices) {
        return new TensorDataset(dataset.batch(Tensor.of(indices)));
    }

    private static Tensor matrix(float[] values, int rows, int cols) {
        return TensorAccess.get().make(CpuStorage.wrap(values), new long[] {rows, cols}, new long[] {cols, 1}, 0);
    }

    private static List<String> readLines(String name) {
        InputStream raw = Datasets.class.getResourceAsStream(name);
        if (raw == null) {
            throw new IllegalStateException("the data set resource dev/nabla/data/" + name
                    + " is missing from the class path; is nabla-runtime's jar complete?");
        }
        try (InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the data set resource dev/nabla/data/" + name, e);
        }
    }

    private static String[] cells(String file, String line, int row, int expected) {
        String[] cells = line.split(",", -1);
        if (cells.length != expected) {
            throw corrupt(file, "row " + row + " has " + cells.length + " columns, expected " + expected);
        }
        return cells;
    }

    private static double number(String file, String cell, int row, double min, double max) {
        double v;
        try {
            v = Double.parseDouble(cell.trim());
        } catch (NumberFormatException e) {
            throw corrupt(file, "row " + row + " holds '" + cell + "', not a number");
        }
        if (!(v >= min && v <= max)) {
            throw corrupt(file, "row " + row + " holds " + cell + ", outside [" + min + ", " + max + "]");
        }
        return v;
    }

    private static long label(String file, String cell, int row, int max) {
        double v = number(file, cell, row, 0, max);
        if (v != Math.rint(v)) {
            throw corrupt(file, "row " + row + " has the label " + cell + ", not a class index");
        }
        return (long) v;
    }

    private static IllegalStateException corrupt(String file, String detail) {
        return new IllegalStateException("the data set resource dev/nabla/data/" + file + " is corrupt: " + detail);
    }
}
