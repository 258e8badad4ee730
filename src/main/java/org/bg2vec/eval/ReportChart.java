package org.bg2vec.eval;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * eval.png: one bar chart per dataset (metrics on the x axis, one bar per model), stacked vertically. Drawn
 * headless (no display needed).
 */
public final class ReportChart {

    /** Size of one dataset's chart; the PNG is WIDTH x (HEIGHT * datasets). */
    public static final int WIDTH = 1000;
    public static final int HEIGHT = 420;

    private ReportChart() {
    }

    public static void write(EvalReport report, Path png) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        List<CategoryChart> charts = new ArrayList<>();
        for (EvalReport.DatasetResult d : report.datasets()) {
            charts.add(chart(report.models(), d));
        }
        if (charts.isEmpty()) {
            throw new IllegalArgumentException("nothing to chart: the report has no datasets");
        }
        String file = png.toString();
        String base = file.endsWith(".png") ? file.substring(0, file.length() - 4) : file;
        BitmapEncoder.saveBitmap(charts, charts.size(), 1, base, BitmapEncoder.BitmapFormat.PNG);
    }

    private static CategoryChart chart(List<String> models, EvalReport.DatasetResult d) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(d.name() + ": base vs trained").yAxisTitle("value").build();
        chart.getStyler().setAvailableSpaceFill(0.8);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        chart.getStyler().setYAxisDecimalPattern("0.00");
        List<String> labels = new ArrayList<>();
        List<Metric> shown = new ArrayList<>();
        for (Metric m : Metric.values()) {
            if (models.stream().anyMatch(model -> EvalReport.value(d, model, m) != null)) {
                shown.add(m);
                labels.add(m.label() + (m.higherIsBetter() ? " \u2191" : " \u2193"));
            }
        }
        for (String model : models) {
            List<Double> values = new ArrayList<>();
            for (Metric m : shown) {
                Double v = EvalReport.value(d, model, m);
                values.add(v == null ? 0.0 : v);
            }
            chart.addSeries(model, labels, values);
        }
        return chart;
    }
}
