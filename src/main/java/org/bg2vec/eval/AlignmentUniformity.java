package org.bg2vec.eval;

import org.bg2vec.encode.Vectors;

import java.util.stream.IntStream;

/**
 * Wang &amp; Isola's alignment and uniformity, as SimCSE reports them, on L2-normalised embeddings f:
 * <ul>
 *   <li>alignment = mean over positive pairs (x, x+) of ||f(x) − f(x+)||² (α = 2); lower is better, 0 when
 *       every pair maps to the same point, at most 4;</li>
 *   <li>uniformity = log of the mean over all distinct pairs i &lt; j of exp(−2·||f(x_i) − f(x_j)||²) (t = 2);
 *       lower (more negative) is better, 0 when everything collapses to one point.</li>
 * </ul>
 * For unit vectors ||a − b||² = 2 − 2·cos(a, b); uniformity uses the cosines of {@link SimilarityMatrix}. Sums
 * are in double, row by row, and added up in a fixed order, so the value is deterministic.
 */
public final class AlignmentUniformity {

    private AlignmentUniformity() {
    }

    /** Mean squared distance between {@code x[i]} and {@code positives[i]} after normalisation. */
    public static double alignment(float[][] x, float[][] positives) {
        double[] d = squaredDistances(x, positives);
        double s = 0;
        for (double v : d) {
            s += v;
        }
        return s / d.length;
    }

    /** ||f(x_i) − f(x⁺_i)||² of every pair, on normalised copies: the per-pair terms of {@link #alignment}. */
    public static double[] squaredDistances(float[][] x, float[][] positives) {
        if (x.length != positives.length) {
            throw new IllegalArgumentException(x.length + " anchors but " + positives.length + " positives");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("alignment needs at least one pair");
        }
        float[][] a = SimilarityMatrix.unitRows(x, "anchor");
        float[][] b = SimilarityMatrix.unitRows(positives, "positive");
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Vectors.squaredDistance(a[i], b[i]);
        }
        return out;
    }

    /** log mean over i &lt; j of exp(−2·||f(x_i) − f(x_j)||²), on normalised copies. */
    public static double uniformity(float[][] x) {
        int n = x.length;
        if (n < 2) {
            throw new IllegalArgumentException("uniformity needs at least 2 vectors, got " + n);
        }
        SimilarityMatrix m = new SimilarityMatrix(x, x, "vector", "vector");
        double[] rowSums = new double[n];
        int blocks = (n + SimilarityMatrix.ROW_BLOCK - 1) / SimilarityMatrix.ROW_BLOCK;
        IntStream.range(0, blocks).parallel().forEach(b -> {
            int r0 = b * SimilarityMatrix.ROW_BLOCK;
            int r1 = Math.min(n, r0 + SimilarityMatrix.ROW_BLOCK);
            float[][] cos = new float[r1 - r0][n];
            m.scoreRows(r0, r1, cos);
            for (int i = r0; i < r1; i++) {
                double s = 0;
                for (int j = i + 1; j < n; j++) {
                    // unit vectors: ||a - b||^2 = 2 - 2 cos(a, b)
                    s += Math.exp(-2 * (2 - 2 * (double) cos[i - r0][j]));
                }
                rowSums[i] = s;
            }
        });
        double total = 0;
        for (double s : rowSums) {
            total += s;
        }
        double pairs = (double) n * (n - 1) / 2;
        return Math.log(total / pairs);
    }
}
