package org.bg2vec.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BootstrapTest {

    private static double[] bernoulli(int n, int ones) {
        double[] x = new double[n];
        for (int i = 0; i < ones; i++) {
            x[i] = 1;
        }
        return x;
    }

    @Test
    void bernoulliMeanMatchesTheNormalApproximation() {
        // 400 queries, 120 hits: the resampled mean is Binomial(400, 0.3) / 400, whose 95% interval the normal
        // approximation puts at 0.3 -+ 1.96 sqrt(0.3 * 0.7 / 400) = 0.3 -+ 0.0449
        Interval i = new Bootstrap(20_000, 7, 0.95).mean(bernoulli(400, 120));
        double half = 1.959964 * Math.sqrt(0.3 * 0.7 / 400);
        assertEquals(0.3, i.estimate(), 1e-15);
        assertEquals(0.3 - half, i.lower(), 0.006, i.toString());
        assertEquals(0.3 + half, i.upper(), 0.006, i.toString());
    }

    @Test
    void continuousMeanMatchesTheNormalApproximation() {
        // 2000 draws of a uniform [0, 1): the mean's interval is about mean -+ 1.96 s / sqrt(n)
        Random r = new Random(3);
        double[] x = new double[2000];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
            sum += x[i];
        }
        double mean = sum / x.length;
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        double se = Math.sqrt(ss / x.length) / Math.sqrt(x.length);
        Interval i = new Bootstrap(10_000, 11, 0.95).mean(x);
        assertEquals(mean, i.estimate(), 1e-12);
        assertEquals(mean - 1.959964 * se, i.lower(), 0.1 * se, i.toString());
        assertEquals(mean + 1.959964 * se, i.upper(), 0.1 * se, i.toString());
    }

    @Test
    void tinyCaseMatchesExactEnumeration() {
        // items {0, 0, 1}: the resampled mean is k/3 with k ~ Binomial(3, 1/3): P(0) = 8/27, P(1/3) = 12/27,
        // P(2/3) = 6/27, P(1) = 1/27 (cumulative 0.296, 0.741, 0.963, 1). 95%: the 2.5% quantile is 0 and the
        // 97.5% quantile is 1 (only 3.7% of the mass is 1, but more than 2.5%); 90%: the 95% quantile is 2/3.
        double[] x = {0, 0, 1};
        Interval i95 = new Bootstrap(10_000, 5, 0.95).mean(x);
        assertEquals(1 / 3.0, i95.estimate(), 1e-15);
        assertEquals(0, i95.lower());
        assertEquals(1, i95.upper());
        Interval i90 = new Bootstrap(10_000, 5, 0.90).mean(x);
        assertEquals(0, i90.lower());
        assertEquals(2 / 3.0, i90.upper(), 1e-15);
    }

    @Test
    void constantItemsGiveAPointInterval() {
        Interval i = Bootstrap.defaults().mean(new double[]{0.25, 0.25, 0.25, 0.25});
        assertEquals(new Interval(0.25, 0.25, 0.25), i);
    }

    @Test
    void sameSeedSameIntervalsAndColumnsShareTheirResamples() {
        Random r = new Random(1);
        double[] a = new double[50];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextDouble();
        }
        Bootstrap b = new Bootstrap(500, 9, 0.95);
        assertEquals(b.mean(a), b.mean(a));
        assertNotEquals(b.mean(a), new Bootstrap(500, 10, 0.95).mean(a));
        // a column resampled next to another gets the interval it gets alone: the draws depend on (seed, n) only
        double[] twice = a.clone();
        for (int i = 0; i < twice.length; i++) {
            twice[i] *= 2;
        }
        Interval[] both = b.means(a, twice);
        assertEquals(b.mean(a), both[0]);
        assertEquals(2 * both[0].lower(), both[1].lower(), 1e-12);
        assertEquals(2 * both[0].upper(), both[1].upper(), 1e-12);
    }

    @Test
    void quantileInterpolatesBetweenOrderStatistics() {
        double[] sorted = {1, 2, 3, 4, 5};
        assertEquals(1, Bootstrap.quantile(sorted, 0));
        assertEquals(5, Bootstrap.quantile(sorted, 1));
        assertEquals(3, Bootstrap.quantile(sorted, 0.5));
        assertEquals(1.1, Bootstrap.quantile(sorted, 0.025), 1e-12); // position 4 * 0.025 = 0.1
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Bootstrap(10, 1, 0.95));
        assertThrows(IllegalArgumentException.class, () -> new Bootstrap(1000, 1, 1.0));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.defaults().mean(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.defaults().means(new double[2], new double[3]));
    }

    private static MetricScores scores(double[] hits, double[] distances) {
        return new MetricScores(Map.of(Metric.RECALL_AT_1.key(), mean(hits), Metric.ALIGNMENT.key(), mean(distances)),
                Map.of(Metric.RECALL_AT_1.key(), hits, Metric.ALIGNMENT.key(), distances));
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    @Test
    void identicalModelsShowNoSignificantChange() {
        Random r = new Random(2);
        double[] hits = new double[100];
        double[] dist = new double[100];
        for (int i = 0; i < 100; i++) {
            hits[i] = r.nextBoolean() ? 1 : 0;
            dist[i] = 2 * r.nextDouble();
        }
        Uncertainty u = Uncertainty.of(Bootstrap.defaults(), List.of("base", "trained"),
                List.of(scores(hits, dist), scores(hits.clone(), dist.clone())));
        for (Comparison c : u.changes().values()) {
            assertEquals(Verdict.NO_SIGNIFICANT_CHANGE, c.verdict());
            assertEquals(new Interval(0, 0, 0), c.difference());
        }
        assertEquals(2, u.changes().size());
        assertEquals(u.intervals().get("base"), u.intervals().get("trained"));
    }

    @Test
    void pairedDifferenceFindsAConsistentGainThatOverlappingIntervalsHide() {
        // every query gains 0.02 in a metric that varies a lot between queries: the two models' own intervals
        // overlap widely, the paired interval of the difference is exactly [0.02, 0.02]
        Random r = new Random(4);
        double[] base = new double[60];
        double[] trained = new double[60];
        double[] lowerIsBetter = new double[60];
        for (int i = 0; i < 60; i++) {
            base[i] = r.nextDouble() * 0.9;
            trained[i] = base[i] + 0.02;
            lowerIsBetter[i] = base[i] - 0.02;
        }
        Uncertainty u = Uncertainty.of(Bootstrap.defaults(), List.of("base", "trained"),
                List.of(scores(base, base), scores(trained, lowerIsBetter)));
        Interval b = u.intervals().get("base").get(Metric.RECALL_AT_1.key());
        Interval t = u.intervals().get("trained").get(Metric.RECALL_AT_1.key());
        assertTrue(t.lower() < b.upper(), "the unpaired intervals overlap: " + b + " " + t);
        Comparison c = u.changes().get(Metric.RECALL_AT_1.key());
        assertEquals(0.02, c.difference().lower(), 1e-9);
        assertEquals(0.02, c.difference().upper(), 1e-9);
        assertEquals(Verdict.BETTER, c.verdict());
        // alignment is lower-is-better: a consistent decrease is better
        assertEquals(Verdict.BETTER, u.changes().get(Metric.ALIGNMENT.key()).verdict());
        Uncertainty reversed = Uncertainty.of(Bootstrap.defaults(), List.of("base", "trained"),
                List.of(scores(trained, lowerIsBetter), scores(base, base)));
        assertEquals(Verdict.WORSE, reversed.changes().get(Metric.RECALL_AT_1.key()).verdict());
        assertEquals(Verdict.WORSE, reversed.changes().get(Metric.ALIGNMENT.key()).verdict());
    }

    @Test
    void oneModelGetsIntervalsButNoComparison() {
        Uncertainty u = Uncertainty.of(Bootstrap.defaults(), List.of("base"),
                List.of(scores(bernoulli(10, 5), new double[10])));
        assertTrue(u.changes().isEmpty());
        assertEquals(0.5, u.intervals().get("base").get(Metric.RECALL_AT_1.key()).estimate(), 1e-15);
    }

    @Test
    void verdictNeedsTheIntervalToExcludeZero() {
        assertEquals(Verdict.NO_SIGNIFICANT_CHANGE, Verdict.of(new Interval(0.1, 0, 0.2), true));
        assertEquals(Verdict.BETTER, Verdict.of(new Interval(0.1, 0.01, 0.2), true));
        assertEquals(Verdict.WORSE, Verdict.of(new Interval(0.1, 0.01, 0.2), false));
        assertEquals(Verdict.WORSE, Verdict.of(new Interval(-0.1, -0.2, -0.01), true));
        assertEquals(Verdict.NO_SIGNIFICANT_CHANGE, Verdict.of(new Interval(-0.1, -0.2, 0), true));
        assertEquals(Verdict.NO_SIGNIFICANT_CHANGE, Verdict.fromLabel("no significant change"));
    }
}
