package org.bg2vec.eval;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * eval.md: how the intervals were made, then per dataset how its task is built and a table of metrics (rows) by
 * model (columns), each value with its confidence interval, and with two models the change trained − base with
 * its paired interval and verdict.
 */
public final class ReportMarkdown {

    private ReportMarkdown() {
    }

    public static String render(EvalReport report) {
        List<String> models = report.models();
        boolean delta = models.size() == 2;
        StringBuilder sb = new StringBuilder("# bg2vec evaluation\n\n");
        sb.append(intervals(report.bootstrap(), delta)).append('\n');
        if (report.settings() != null && report.settings().values().stream().anyMatch(m -> !m.isEmpty())) {
            sb.append("\n## Models\n\n");
            for (String m : models) {
                Map<String, Object> s = report.settings().getOrDefault(m, Map.of());
                sb.append("- **").append(m).append("**: ").append(s.entrySet().stream()
                        .map(e -> e.getKey().replace('_', ' ') + " `" + e.getValue() + "`")
                        .collect(Collectors.joining(", "))).append('\n');
            }
        }
        for (EvalReport.DatasetResult d : report.datasets()) {
            sb.append("\n## ").append(d.name()).append("\n\n");
            sb.append("Task: ").append(d.description()).append(".\n\n");
            sb.append("Source: `").append(d.source()).append("`. ");
            sb.append(d.counts().entrySet().stream().map(e -> e.getKey().replace('_', ' ') + ": " + e.getValue())
                    .collect(Collectors.joining(", "))).append(".\n\n");
            sb.append("| metric |");
            for (String m : models) {
                sb.append(' ').append(m).append(" |");
            }
            sb.append(delta ? " change | verdict |" : "");
            sb.append("\n| --- |");
            sb.append(" ---: |".repeat(models.size() + (delta ? 1 : 0)));
            sb.append(delta ? " --- |" : "");
            sb.append('\n');
            for (Metric metric : Metric.values()) {
                if (models.stream().noneMatch(m -> EvalReport.value(d, m, metric) != null)) {
                    continue;
                }
                sb.append(row(d, models, metric, delta)).append('\n');
            }
        }
        return sb.toString();
    }

    /** The sentence saying how the intervals and verdicts were made. */
    static String intervals(Bootstrap b, boolean delta) {
        String s = String.format(Locale.ROOT, "Values with their %s%% confidence interval [low, high]: percentile "
                        + "bootstrap over the dataset's queries (pairs, triples), %d resamples, seed %d.",
                percent(b.confidence()), b.resamples(), b.seed());
        if (delta) {
            s += " change = trained − base, its interval a paired bootstrap over the same items; verdict: better"
                    + " or worse when that interval excludes 0, otherwise no significant change (one test per"
                    + " metric).";
        }
        return s;
    }

    private static String row(EvalReport.DatasetResult d, List<String> models, Metric metric, boolean delta) {
        StringBuilder sb = new StringBuilder("| ").append(metric.label())
                .append(metric.higherIsBetter() ? " (higher is better)" : " (lower is better)").append(" |");
        for (String m : models) {
            sb.append(' ').append(valueWithInterval(EvalReport.value(d, m, metric),
                    EvalReport.interval(d, m, metric))).append(" |");
        }
        if (delta) {
            Double a = EvalReport.value(d, models.get(0), metric);
            Double b = EvalReport.value(d, models.get(1), metric);
            Comparison c = EvalReport.change(d, metric);
            sb.append(' ').append(a == null || b == null ? "" : String.format(Locale.ROOT, "%+.4f", b - a));
            if (c != null) {
                sb.append(String.format(Locale.ROOT, " [%+.4f, %+.4f]", c.difference().lower(),
                        c.difference().upper()));
            }
            sb.append(" | ").append(c == null ? "" : c.verdict().label()).append(" |");
        }
        return sb.toString();
    }

    private static String valueWithInterval(Double v, Interval i) {
        if (v == null) {
            return "";
        }
        String s = String.format(Locale.ROOT, "%.4f", v);
        return i == null ? s : s + String.format(Locale.ROOT, " [%.4f, %.4f]", i.lower(), i.upper());
    }

    private static String percent(double confidence) {
        double p = confidence * 100;
        return p == Math.rint(p) ? Long.toString(Math.round(p)) : Double.toString(p);
    }
}
