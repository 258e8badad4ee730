package org.bg2vec.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The confidence intervals of one dataset's metrics: for every model and every metric with per-item values a
 * bootstrap interval of its mean, and with exactly two models (base, trained) the paired bootstrap interval of
 * the difference trained − base with its {@link Verdict}. Resampling is over the dataset's items, the same
 * resamples for both models.
 *
 * @param intervals model → metric key → interval
 * @param changes   metric key → comparison of the second model against the first (empty unless two models)
 */
public record Uncertainty(Map<String, Map<String, Interval>> intervals, Map<String, Comparison> changes) {

    /** Intervals (and, for two models, comparisons) of {@code scores.get(i)}, the scores of {@code models.get(i)}. */
    public static Uncertainty of(Bootstrap bootstrap, List<String> models, List<MetricScores> scores) {
        if (models.size() != scores.size()) {
            throw new IllegalArgumentException(models.size() + " models but " + scores.size() + " score sets");
        }
        Map<String, Map<String, Interval>> intervals = new LinkedHashMap<>();
        for (String m : models) {
            intervals.put(m, new LinkedHashMap<>());
        }
        Map<String, Comparison> changes = new LinkedHashMap<>();
        for (Metric metric : Metric.values()) {
            String key = metric.key();
            if (!scores.stream().allMatch(s -> s.perItem().containsKey(key))) {
                continue;
            }
            double[][] columns = new double[models.size() + (models.size() == 2 ? 1 : 0)][];
            for (int i = 0; i < models.size(); i++) {
                columns[i] = scores.get(i).perItem().get(key);
            }
            if (models.size() == 2) {
                columns[2] = difference(columns[0], columns[1]);
            }
            Interval[] r = bootstrap.means(columns);
            for (int i = 0; i < models.size(); i++) {
                intervals.get(models.get(i)).put(key, r[i]);
            }
            if (models.size() == 2) {
                changes.put(key, new Comparison(r[2], Verdict.of(r[2], metric.higherIsBetter())));
            }
        }
        return new Uncertainty(intervals, changes);
    }

    private static double[] difference(double[] base, double[] trained) {
        double[] d = new double[base.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = trained[i] - base[i];
        }
        return d;
    }
}
