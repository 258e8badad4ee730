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
 * @param bootstrap   how the confidence intervals were drawn (resamples, seed, confidence level)
 * @param definitions what each metric is, in words
 */
public record EvalReport(List<String> models, Map<String, Map<String, Object>> settings, List<DatasetResult> datasets,
                         Bootstrap bootstrap,
                         Map<String, String> definitions) {

    /**
     * @param name        dataset name
     * @param source      where it was read from
     * @param description how its retrieval task is built, in words
     * @param counts      rows read, skipped and used
     * @param metrics     model name → metric key ({@link Metric#key()}) → value
     * @param intervals   model name → metric key → the value with its bootstrap confidence interval (metrics that
     *                    are means over items)
     * @param changes     metric key → the second model against the first (trained − base) with its paired
     *                    bootstrap interval and verdict; empty unless exactly two models
     */
    public record DatasetResult(String name, String source, String description, Map<String, Long> counts,
                                Map<String, Map<String, Double>> metrics,
                                Map<String, Map<String, Interval>> intervals, Map<String, Comparison> changes) {
    }

    /** The value of {@code metric} for {@code model} on dataset {@code d}, or null when not computed. */
    public static Double value(DatasetResult d, String model, Metric metric) {
        Map<String, Double> m = d.metrics().get(model);
        return m == null ? null : m.get(metric.key());
    }

    /** The confidence interval of {@code metric} for {@code model} on {@code d}, or null when there is none. */
    public static Interval interval(DatasetResult d, String model, Metric metric) {
        Map<String, Interval> m = d.intervals().get(model);
        return m == null ? null : m.get(metric.key());
    }

    /** Trained vs base on {@code metric} in {@code d}, or null when not compared. */
    public static Comparison change(DatasetResult d, Metric metric) {
        return d.changes().get(metric.key());
    }
}
