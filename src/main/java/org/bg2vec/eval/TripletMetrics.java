package org.bg2vec.eval;

import org.bg2vec.encode.Vectors;

/**
 * The "challenging triples" score of the Bg2Vec evaluation: the mean over (anchor, positive, negative) of
 * cos(anchor, positive) − cos(anchor, negative); higher is better. Also the accuracy: the fraction of
 * triples with cos(anchor, positive) strictly greater than cos(anchor, negative) (a tie counts as a miss).
 */
public final class TripletMetrics {

    private TripletMetrics() {
    }

    /** Scores over a set of triples. */
    public record Result(int triples, double meanMargin, double accuracy) {
    }

    public static Result evaluate(float[][] anchors, float[][] positives, float[][] negatives) {
        PerTriple t = perTriple(anchors, positives, negatives);
        double margin = 0;
        double correct = 0;
        for (int i = 0; i < t.margins().length; i++) {
            margin += t.margins()[i];
            correct += t.correct()[i];
        }
        int n = t.margins().length;
        return new Result(n, margin / n, correct / n);
    }

    /** Per triple: cos(a, p) − cos(a, n), and 1 when cos(a, p) &gt; cos(a, n) else 0. */
    public record PerTriple(double[] margins, double[] correct) {
    }

    /** The per-triple terms of {@link #evaluate}. */
    public static PerTriple perTriple(float[][] anchors, float[][] positives, float[][] negatives) {
        int n = anchors.length;
        if (positives.length != n || negatives.length != n) {
            throw new IllegalArgumentException("triples need as many positives and negatives as anchors: " + n
                    + ", " + positives.length + ", " + negatives.length);
        }
        if (n == 0) {
            throw new IllegalArgumentException("no triples to evaluate");
        }
        float[][] a = SimilarityMatrix.unitRows(anchors, "anchor");
        float[][] p = SimilarityMatrix.unitRows(positives, "positive");
        float[][] q = SimilarityMatrix.unitRows(negatives, "negative");
        double[] margins = new double[n];
        double[] correct = new double[n];
        for (int i = 0; i < n; i++) {
            double cp = Vectors.dot(a[i], p[i]);
            double cn = Vectors.dot(a[i], q[i]);
            margins[i] = cp - cn;
            correct[i] = cp > cn ? 1 : 0;
        }
        return new PerTriple(margins, correct);
    }
}
