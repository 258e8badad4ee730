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
 * Sums are in double, row by row, and added up in a fixed order, so the value is deterministic.
 */
public final class AlignmentUniformity {

    private AlignmentUniformity() {
    }

    /** Mean squared distance between {@code x[i]} and {@code positives[i]} after normalisation. */
    public static double alignment(float[][] x, float[][] positives) {
        if (x.length != positives.length) {
            throw new IllegalArgumentException(x.length + " anchors but " + positives.length + " positives");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("alignment needs at least one pair");
        }
        float[][] a = SimilarityMatrix.unitRows(x, "anchor");
        float[][] b = SimilarityMatrix.unitRows(positives, "positive");
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Vectors.squaredDistance(a[i], b[i]);
        }
        return s / a.length;
    }

    /** log mean over i &lt; j of exp(−2·||f(x_i) − f(x_j)||²), on normalised copies. */
    public static double uniformity(float[][] x) {
        int n = x.length;
        if (n < 2) {
            throw new IllegalArgumentException("uniformity needs at least 2 vectors, got " + n);
        }
        float[][] u = SimilarityMatrix.unitRows(x, "vector");
        double[] rowSums = new double[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            double s = 0;
            for (int j = i + 1; j < n; j++) {
                s += Math.exp(-2 * Vectors.squaredDistance(u[i], u[j]));
            }
            rowSums[i] = s;
        });
        double total = 0;
        for (double s : rowSums) {
            total += s;
        }
        double pairs = (double) n * (n - 1) / 2;
        return Math.log(total / pairs);
    }
}
