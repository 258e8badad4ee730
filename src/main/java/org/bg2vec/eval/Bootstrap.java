package org.bg2vec.eval;

import java.util.Arrays;
import java.util.Random;

/**
 * Percentile bootstrap of a mean over independent items (queries, pairs, triples): each of {@link #resamples()}
 * resamples draws n items with replacement, the statistic is the mean over the drawn items, and the interval is
 * the (α/2, 1 − α/2) quantiles of the resampled means, α = 1 − {@link #confidence()} (quantiles interpolate
 * linearly between order statistics: position (B − 1)·p of the sorted means).
 *
 * <p>Resample b of a run over n items always draws the same indices for the same seed, whatever is being
 * measured: {@link #means} resamples several columns of equal length together, so a paired comparison (the
 * column of per-item differences trained − base) uses exactly the resamples of the two models' own intervals.
 * The draws come from {@link Random}, whose sequence for a seed is fixed by its specification, so a report is
 * reproducible on any JVM.
 *
 * @param resamples  bootstrap resamples B (at least 100)
 * @param seed       seed of the draws
 * @param confidence two-sided confidence level in (0, 1), e.g. 0.95
 */
public record Bootstrap(int resamples, long seed, double confidence) {

    public static final int DEFAULT_RESAMPLES = 2000;
    public static final long DEFAULT_SEED = 42;
    public static final double DEFAULT_CONFIDENCE = 0.95;

    /** How the intervals are made, written into the report. */
    public static final String METHOD = "percentile bootstrap over items (queries, pairs, triples), resampled"
            + " with replacement; paired for differences (the same resampled items for both models)";

    public Bootstrap {
        if (resamples < 100) {
            throw new IllegalArgumentException("bootstrap resamples must be >= 100, got " + resamples);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("the confidence level must be in (0, 1), got " + confidence);
        }
    }

    /** 2000 resamples, seed 42, 95%. */
    public static Bootstrap defaults() {
        return new Bootstrap(DEFAULT_RESAMPLES, DEFAULT_SEED, DEFAULT_CONFIDENCE);
    }

    /** The mean of {@code values} with its interval. */
    public Interval mean(double[] values) {
        return means(values)[0];
    }

    /**
     * The means of several columns over the same items, each with its interval; column c's resample b uses the
     * same drawn items for every c.
     */
    public Interval[] means(double[]... columns) {
        int n = columns[0].length;
        if (n == 0) {
            throw new IllegalArgumentException("a bootstrap needs at least one item");
        }
        for (double[] c : columns) {
            if (c.length != n) {
                throw new IllegalArgumentException("columns of one bootstrap must have equal lengths: " + n
                        + " and " + c.length);
            }
        }
        double[][] resampled = new double[columns.length][resamples];
        double[] sums = new double[columns.length];
        Random rng = new Random(seed);
        for (int b = 0; b < resamples; b++) {
            Arrays.fill(sums, 0);
            for (int k = 0; k < n; k++) {
                int i = rng.nextInt(n);
                for (int c = 0; c < columns.length; c++) {
                    sums[c] += columns[c][i];
                }
            }
            for (int c = 0; c < columns.length; c++) {
                resampled[c][b] = sums[c] / n;
            }
        }
        Interval[] out = new Interval[columns.length];
        double alpha = 1 - confidence;
        for (int c = 0; c < columns.length; c++) {
            Arrays.sort(resampled[c]);
            out[c] = new Interval(mean(columns[c], n), quantile(resampled[c], alpha / 2),
                    quantile(resampled[c], 1 - alpha / 2));
        }
        return out;
    }

    private static double mean(double[] x, int n) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / n;
    }

    /** Linear interpolation between the order statistics of {@code sorted} at position (B − 1)·p. */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
