package org.bg2vec.eval;

import java.util.List;
import java.util.Map;

/**
 * The result of an evaluation, as written to eval.json.
 *
 * @param models      model names in column order (e.g. base, trained)
 * @param settings    per model: its directories and the effective llm2vec settings it was evaluated with
 *                    ({@code max_length}, {@code doc_max_length}, {@code pooling_mode}, {@code skip_instruction},
 *                    and where they came from)
 * @param datasets    one entry per evaluated dataset
 * @param definitions what each metric is, in words
 */
public record EvalReport(List<String> models, Map<String, Map<String, Object>> settings, List<DatasetResult> datasets,
                         Map<String, String> definitions) {

    /**
     * @param name    dataset name
     * @param source  where it was read from
     * @param counts  rows read, skipped and used
     * @param metrics model name → metric key ({@link Metric#key()}) → value
     */
    public record DatasetResult(String name, String source, Map<String, Long> counts,
                                Map<String, Map<String, Double>> metrics) {
    }

    /** The value of {@code metric} for {@code model} on dataset {@code d}, or null when not computed. */
    public static Double value(DatasetResult d, String model, Metric metric) {
        Map<String, Double> m = d.metrics().get(model);
        return m == null ? null : m.get(metric.key());
    }
}
