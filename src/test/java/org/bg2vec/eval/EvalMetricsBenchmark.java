package org.bg2vec.eval;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Speed of the exact metrics on random vectors (not a test; see src/site/markdown/benchmarks-eval.md):
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.bg2vec.eval.EvalMetricsBenchmark N DIM}.
 */
public final class EvalMetricsBenchmark {

    private EvalMetricsBenchmark() {
    }

    /**
     * Per-item scores of two "models" as {@link Evaluation} makes them: the ranks of {@code q} and, for the second
     * model, the same ranks in reverse order; alignment distances. {@link Uncertainty} then resamples what it
     * does for one dataset of a report: four metrics, each with both models and their difference.
     */
    static List<MetricScores> twoModels(float[][] q, float[][] d, int[] rel) {
        int[] ranks = RetrievalMetrics.ranks(q, d, rel);
        int[] other = new int[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            other[i] = ranks[ranks.length - 1 - i];
        }
        return List.of(scores(RetrievalMetrics.perQuery(ranks), AlignmentUniformity.squaredDistances(q, d)),
                scores(RetrievalMetrics.perQuery(other), AlignmentUniformity.squaredDistances(d, q)));
    }

    private static MetricScores scores(RetrievalMetrics.PerQuery p, double[] distances) {
        Map<String, double[]> items = Map.of(Metric.RECALL_AT_1.key(), p.hitAt1(),
                Metric.RECALL_AT_10.key(), p.hitAt10(), Metric.MRR.key(), p.reciprocalRank(),
                Metric.ALIGNMENT.key(), distances);
        return new MetricScores(Map.of(), items);
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        Random rnd = new Random(1);
        float[][] q = RetrievalMetricsTest.gaussian(rnd, n, dim);
        float[][] d = RetrievalMetricsTest.gaussian(rnd, n, dim);
        int[] rel = new int[n];
        for (int i = 0; i < n; i++) {
            rel[i] = i;
        }
        for (int rep = 0; rep < 2; rep++) { // first round warms up the JIT
            long t0 = System.nanoTime();
            RetrievalMetrics.Result r = RetrievalMetrics.evaluate(q, d, rel);
            double s = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            double u = AlignmentUniformity.uniformity(q);
            double su = (System.nanoTime() - t1) / 1e9;
            double macs = (double) n * n * dim;
            List<MetricScores> scores = twoModels(q, d, rel);
            long t2 = System.nanoTime();
            Uncertainty unc = Uncertainty.of(Bootstrap.defaults(), List.of("base", "trained"), scores);
            double sb = (System.nanoTime() - t2) / 1e9;
            int intervals = unc.intervals().get("base").size() * 2 + unc.changes().size();
            System.out.printf("n=%d dim=%d cores=%d: retrieval %.2f s (%.2f GMAC/s, mrr %.4f); uniformity %.2f s "
                            + "(%.2f GMAC/s, %.4f); bootstrap of %d intervals %.3f s (%.4f of retrieval)%n", n, dim,
                    Runtime.getRuntime().availableProcessors(), s, macs / s / 1e9, r.mrr(), su, macs / su / 1e9, u,
                    intervals, sb, sb / s);
        }
    }
}
