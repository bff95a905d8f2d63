package dev.nabla.samples.digits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.awt.AWTError;
import java.util.List;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws loss curves as a PNG with XChart: the digits demo's per epoch, and any sample's. */
public final class LossPlot {
    private LossPlot() {}

    /** Something that writes the chart of {@code history} to {@code file}: {@link LossPlot#write}, or a test's stand-in. */
    @FunctionalInterface
    interface Writer {
        /**
         * Writes the chart.
         *
         * @throws IOException if the file cannot be written
         */
        void write(List<EpochStats> history, Path file) throws IOException;
    }

    /**
     * Writes the chart with {@code writer}, unless Java cannot draw text on this machine: a
     * server without font libraries (no {@code libharfbuzz} or {@code libfreetype}) fails to
     * load AWT's font manager, with an {@link Error} rather than an exception. Then nothing is
     * written and the reason comes back.
     *
     * @return empty when the chart was written; otherwise why not, in one line
     * @throws IOException if the file cannot be written
     */
    static Optional<String> writeUnlessFontsAreMissing(List<EpochStats> history, Path file, Writer writer)
            throws IOException {
        try {
            writer.write(history, file);
            return Optional.empty();
        } catch (LinkageError | InternalError | AWTError e) {
            // The font manager is loaded when the first text is drawn: failing there is about this machine, not the data.
            return Optional.of("Java cannot draw text on this machine, its font libraries do not load ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    /**
     * Writes the chart to {@code file} (replacing it only once the new image is complete).
     *
     * @throws IOException if the file cannot be written
     */
    static void write(List<EpochStats> history, Path file) throws IOException {
        double[] epochs = new double[history.size()];
        double[] train = new double[history.size()];
        double[] test = new double[history.size()];
        for (int i = 0; i < history.size(); i++) {
            epochs[i] = history.get(i).epoch();
            train[i] = history.get(i).trainLoss();
            test[i] = history.get(i).testLoss();
        }
        write("Digits MLP with custom ops: cross-entropy per epoch", "epoch", epochs,
                List.of(new Curve("train", train), new Curve("test", test)), file);
    }

    /**
     * One line of a chart.
     *
     * @param name its name in the legend
     * @param values one value per position of the chart
     */
    public record Curve(String name, double[] values) {}

    /**
     * Writes {@code curves} (in order, all over {@code x}) on a logarithmic loss axis to
     * {@code file}, replacing it only once the new image is complete.
     *
     * @param x the positions (epochs, steps), integral
     * @throws IllegalArgumentException if a curve's length differs from {@code x}'s
     * @throws IOException if the file cannot be written
     */
    public static void write(String title, String xAxisTitle, double[] x, List<Curve> curves, Path file)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xAxisTitle).yAxisTitle("loss")
                .build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisDecimalPattern("#");
        for (int i = 0; i < curves.size(); i++) {
            Curve curve = curves.get(i);
            if (curve.values().length != x.length) {
                throw new IllegalArgumentException("LossPlot: the curve '" + curve.name() + "' has "
                        + curve.values().length + " values for " + x.length + " positions");
            }
            chart.addSeries(curve.name(), x, curve.values()).setMarker(i % 2 == 0 ? SeriesMarkers.CIRCLE
                    : SeriesMarkers.DIAMOND);
        }
        // XChart appends ".png" to a name that does not end with it.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp.png");
        try {
            BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
