package org.bg2vec.eval;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** eval.md: per dataset, a table of metrics (rows) by model (columns), with the change when two models. */
public final class ReportMarkdown {

    private ReportMarkdown() {
    }

    public static String render(EvalReport report) {
        List<String> models = report.models();
        boolean delta = models.size() == 2;
        StringBuilder sb = new StringBuilder("# bg2vec evaluation\n");
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
            sb.append("Source: `").append(d.source()).append("`. ");
            sb.append(d.counts().entrySet().stream().map(e -> e.getKey().replace('_', ' ') + ": " + e.getValue())
                    .collect(Collectors.joining(", "))).append(".\n\n");
            sb.append("| metric |");
            for (String m : models) {
                sb.append(' ').append(m).append(" |");
            }
            if (delta) {
                sb.append(" change |");
            }
            sb.append("\n| --- |");
            sb.append(" ---: |".repeat(models.size() + (delta ? 1 : 0)));
            sb.append('\n');
            for (Metric metric : Metric.values()) {
                if (models.stream().allMatch(m -> EvalReport.value(d, m, metric) == null)) {
                    continue;
                }
                sb.append("| ").append(metric.label()).append(metric.higherIsBetter() ? " (higher is better)"
                        : " (lower is better)").append(" |");
                for (String m : models) {
                    sb.append(' ').append(format(EvalReport.value(d, m, metric))).append(" |");
                }
                if (delta) {
                    Double a = EvalReport.value(d, models.get(0), metric);
                    Double b = EvalReport.value(d, models.get(1), metric);
                    sb.append(' ').append(a == null || b == null ? "" : String.format(Locale.ROOT, "%+.4f", b - a))
                            .append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String format(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

}
