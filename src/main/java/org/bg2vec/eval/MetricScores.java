package org.bg2vec.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics of one model on one dataset, and for those that are a mean over independent items the per-item
 * values the bootstrap resamples (item i of every model is the same query, pair or triple).
 *
 * @param values  metric key ({@link Metric#key()}) → value, in {@link Metric} order
 * @param perItem metric key → one value per item, whose mean is the value (retrieval: per query 1 or 0 for the
 *                recalls and 1/rank for MRR; alignment: per pair; triples: per triple); uniformity has none
 */
public record MetricScores(Map<String, Double> values, Map<String, double[]> perItem) {

    public MetricScores {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        perItem = Collections.unmodifiableMap(new LinkedHashMap<>(perItem));
    }
}
