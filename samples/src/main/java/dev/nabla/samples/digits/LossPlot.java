package dev.nabla.samples.digits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws loss curves as a PNG with XChart: the digits demo's per epoch, and any sample's. */
public final class LossPlot {
    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND, SeriesMarkers.SQUARE};

    private LossPlot() {}

    /**
     * Writes the digits demo's training and test loss per epoch to {@code file}.
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
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train", train);
        series.put("test", test);
        write("Digits MLP with custom ops: cross-entropy per epoch", "epoch", epochs, series, file);
    }

    /**
     * Writes one curve per entry of {@code series} (in its order, all over {@code x}) on a
     * logarithmic loss axis to {@code file}, replacing it only once the new image is complete.
     *
     * @param x the positions (epochs, steps), integral
     * @param series each curve's name and values, as long as {@code x}
     * @throws IllegalArgumentException if a curve's length differs from {@code x}'s
     * @throws IOException if the file cannot be written
     */
    public static void write(String title, String xAxisTitle, double[] x, Map<String, double[]> series, Path file)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xAxisTitle).yAxisTitle("loss")
                .build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisDecimalPattern("#");
        int i = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            if (e.getValue().length != x.length) {
                throw new IllegalArgumentException("LossPlot: the curve '" + e.getKey() + "' has " + e.getValue().length
                        + " values for " + x.length + " positions");
            }
            chart.addSeries(e.getKey(), x, e.getValue()).setMarker(MARKERS[i++ % MARKERS.length]);
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
