package dev.nabla.samples.digits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws the training and test loss per epoch as a PNG, with XChart. */
final class LossPlot {
    private LossPlot() {}

    /**
     * Writes the chart to {@code file} (replacing it only once the new image is complete).
     *
     * @throws IOException if the file cannot be written
     */
    static void write(List<EpochStats> history, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double[] epochs = new double[history.size()];
        double[] train = new double[history.size()];
        double[] test = new double[history.size()];
        for (int i = 0; i < history.size(); i++) {
            epochs[i] = history.get(i).epoch();
            train[i] = history.get(i).trainLoss();
            test[i] = history.get(i).testLoss();
        }
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("Digits MLP with custom ops: cross-entropy per epoch")
                .xAxisTitle("epoch").yAxisTitle("loss").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.addSeries("train", epochs, train).setMarker(SeriesMarkers.CIRCLE);
        chart.addSeries("test", epochs, test).setMarker(SeriesMarkers.DIAMOND);
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
