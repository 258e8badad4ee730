package org.bg2vec.train.metrics;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The training (and validation) loss curve as a PNG, drawn headless with XChart. */
public final class LossCurve {

    private LossCurve() {
    }

    /** Writes {@code file} (a .png path); series are lists of (step, loss). */
    public static void write(Path file, List<double[]> train, List<double[]> eval) throws IOException {
        if (train.isEmpty() && eval.isEmpty()) {
            return;
        }
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(500).title("SimCSE training loss")
                .xAxisTitle("step").yAxisTitle("loss").build();
        chart.getStyler().setLegendVisible(true);
        if (!train.isEmpty()) {
            chart.addSeries("train", column(train, 0), column(train, 1)).setMarker(SeriesMarkers.NONE);
        }
        if (!eval.isEmpty()) {
            chart.addSeries("validation", column(eval, 0), column(eval, 1)).setMarker(SeriesMarkers.CIRCLE);
        }
        String name = file.toString();
        String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
    }

    private static double[] column(List<double[]> rows, int c) {
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i)[c];
        }
        return out;
    }
}
