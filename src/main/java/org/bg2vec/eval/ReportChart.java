package org.bg2vec.eval;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * eval.png: one bar chart per dataset, stacked vertically: metrics along the x axis, one bar per model with a
 * whisker spanning the metric's confidence interval (asymmetric, as bootstrap intervals are), and with two
 * models the verdict of the change under each metric. Drawn with Java2D, headless (no display needed).
 */
public final class ReportChart {

    /** Size of one dataset's chart; the PNG is WIDTH x (HEIGHT * datasets). */
    public static final int WIDTH = 1000;
    public static final int HEIGHT = 420;

    private static final Color[] SERIES = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868),
            new Color(0xC44E52), new Color(0x8172B3)};
    private static final Color BETTER = new Color(0x2E7D32);
    private static final Color WORSE = new Color(0xC62828);
    private static final Color NEUTRAL = new Color(0x616161);
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 50;
    private static final int BOTTOM = 100;

    private ReportChart() {
    }

    public static void write(EvalReport report, Path png) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        if (report.datasets().isEmpty()) {
            throw new IllegalArgumentException("nothing to chart: the report has no datasets");
        }
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT * report.datasets().size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            for (int i = 0; i < report.datasets().size(); i++) {
                g.translate(0, i * HEIGHT);
                new Panel(g, report, report.datasets().get(i)).draw();
                g.translate(0, -i * HEIGHT);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(img, "png", png.toFile());
    }

    /** One dataset's chart in the band [0, HEIGHT) of the graphics. */
    private static final class Panel {
        private final Graphics2D g;
        private final EvalReport report;
        private final EvalReport.DatasetResult d;
        private final List<Metric> shown = new ArrayList<>();
        private double lo;
        private double hi;

        Panel(Graphics2D g, EvalReport report, EvalReport.DatasetResult d) {
            this.g = g;
            this.report = report;
            this.d = d;
            for (Metric m : Metric.values()) {
                if (report.models().stream().anyMatch(model -> EvalReport.value(d, model, m) != null)) {
                    shown.add(m);
                }
            }
            range();
        }

        /** The y range: 0, every value and every interval end, padded by 5%. */
        private void range() {
            lo = 0;
            hi = 0;
            for (Metric m : shown) {
                for (String model : report.models()) {
                    Double v = EvalReport.value(d, model, m);
                    Interval i = EvalReport.interval(d, model, m);
                    for (double x : i == null ? new double[]{v == null ? 0 : v}
                            : new double[]{i.estimate(), i.lower(), i.upper(), v}) {
                        lo = Math.min(lo, x);
                        hi = Math.max(hi, x);
                    }
                }
            }
            if (hi - lo < 1e-9) {
                hi = lo + 1; // everything is 0: any scale shows it
            }
            double pad = (hi - lo) * 0.05;
            hi += hi > 0 ? pad : 0;
            lo -= lo < 0 ? pad : 0;
        }

        void draw() {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            String title = d.name() + ": " + String.join(" vs ", report.models()) + " (bars: value; whiskers: "
                    + Math.round(report.bootstrap().confidence() * 100) + "% bootstrap interval)";
            centered(title, WIDTH / 2, 28);
            axis();
            int groups = Math.max(1, shown.size());
            double groupWidth = (WIDTH - LEFT - RIGHT) / (double) groups;
            for (int k = 0; k < shown.size(); k++) {
                group(shown.get(k), LEFT + k * groupWidth, groupWidth);
            }
            legend();
        }

        private void axis() {
            int bottom = HEIGHT - BOTTOM;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            double step = niceStep((hi - lo) / 6);
            for (double t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) {
                int y = y(t);
                g.setColor(new Color(0xE0E0E0));
                g.drawLine(LEFT, y, WIDTH - RIGHT, y);
                g.setColor(Color.DARK_GRAY);
                String label = String.format(Locale.ROOT, "%.2f", t);
                g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
            }
            g.setColor(Color.BLACK);
            g.drawLine(LEFT, TOP, LEFT, bottom);
            g.drawLine(LEFT, y(0), WIDTH - RIGHT, y(0));
        }

        private void group(Metric m, double x0, double width) {
            int n = report.models().size();
            double bar = width * 0.7 / n;
            double start = x0 + width * 0.15;
            for (int i = 0; i < n; i++) {
                String model = report.models().get(i);
                Double v = EvalReport.value(d, model, m);
                if (v == null) {
                    continue;
                }
                int left = (int) Math.round(start + i * bar);
                int right = (int) Math.round(start + (i + 1) * bar) - 2;
                g.setColor(SERIES[i % SERIES.length]);
                g.fillRect(left, Math.min(y(0), y(v)), right - left, Math.abs(y(v) - y(0)));
                Interval ci = EvalReport.interval(d, model, m);
                if (ci != null) {
                    whisker((left + right) / 2, ci);
                }
            }
            int centre = (int) Math.round(x0 + width / 2);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            centered(m.label() + (m.higherIsBetter() ? " \u2191" : " \u2193"), centre, HEIGHT - BOTTOM + 18);
            Comparison c = EvalReport.change(d, m);
            if (c != null) {
                g.setColor(c.verdict() == Verdict.BETTER ? BETTER : c.verdict() == Verdict.WORSE ? WORSE : NEUTRAL);
                g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 11));
                centered(c.verdict().label(), centre, HEIGHT - BOTTOM + 34);
            }
        }

        private void whisker(int x, Interval ci) {
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.5f));
            g.drawLine(x, y(ci.lower()), x, y(ci.upper()));
            g.drawLine(x - 5, y(ci.lower()), x + 5, y(ci.lower()));
            g.drawLine(x - 5, y(ci.upper()), x + 5, y(ci.upper()));
            g.setStroke(new BasicStroke(1f));
        }

        private void legend() {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            int total = 0;
            for (String model : report.models()) {
                total += 18 + fm.stringWidth(model) + 24;
            }
            int x = (WIDTH - total) / 2;
            int y = HEIGHT - 30;
            for (int i = 0; i < report.models().size(); i++) {
                g.setColor(SERIES[i % SERIES.length]);
                g.fillRect(x, y - 10, 12, 12);
                g.setColor(Color.BLACK);
                g.drawString(report.models().get(i), x + 18, y);
                x += 18 + fm.stringWidth(report.models().get(i)) + 24;
            }
        }

        private int y(double v) {
            int bottom = HEIGHT - BOTTOM;
            return (int) Math.round(bottom - (v - lo) / (hi - lo) * (bottom - TOP));
        }

        private void centered(String s, int x, int y) {
            g.drawString(s, x - g.getFontMetrics().stringWidth(s) / 2, y);
        }
    }

    /** A tick step of 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double f : new double[]{1, 2, 5, 10}) {
            if (f * p >= raw) {
                return f * p;
            }
        }
        return 10 * p;
    }
}
