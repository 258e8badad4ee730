package org.bg2vec.eval;

import java.util.List;
import java.util.Map;

/**
 * The result of an evaluation, as written to eval.json.
 *
 * @param models      model names in column order (e.g. base, trained)
 * @param datasets    one entry per evaluated dataset
 * @param definitions what each metric is, in words
 */
public record EvalReport(List<String> models, List<DatasetResult> datasets, Map<String, String> definitions) {

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
