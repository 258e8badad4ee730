package org.bg2vec.eval;

import java.util.Random;

/**
 * Speed of the exact metrics on random vectors (not a test; see src/site/markdown/benchmarks-eval.md):
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.bg2vec.eval.EvalMetricsBenchmark N DIM}.
 */
public final class EvalMetricsBenchmark {

    private EvalMetricsBenchmark() {
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
            System.out.printf("n=%d dim=%d cores=%d: retrieval %.2f s (%.2f GMAC/s, mrr %.4f); uniformity %.2f s "
                            + "(%.2f GMAC/s, %.4f)%n", n, dim, Runtime.getRuntime().availableProcessors(), s,
                    macs / s / 1e9, r.mrr(), su, macs / su / 1e9, u);
        }
    }
}
