package org.bg2vec.encode;

/** Small vector helpers on float arrays (dot products accumulate in double). */
public final class Vectors {

    private Vectors() {
    }

    /** Dot product, accumulated in double. */
    public static double dot(float[] a, float[] b) {
        checkSameLength(a, b);
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** Euclidean norm. */
    public static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** Cosine similarity; 0 when either vector is all zeros. */
    public static double cosine(float[] a, float[] b) {
        double na = norm(a);
        double nb = norm(b);
        if (na == 0 || nb == 0) {
            return 0;
        }
        return dot(a, b) / (na * nb);
    }

    /**
     * A copy of {@code a} scaled to unit L2 norm. An all-zero vector stays all zeros (it has no direction);
     * callers that must not see one should check {@link #norm}.
     */
    public static float[] normalize(float[] a) {
        double n = norm(a);
        float[] out = new float[a.length];
        if (n == 0) {
            return out;
        }
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (a[i] / n);
        }
        return out;
    }

    /** {@link #normalize} applied to every row (rows may be null: they stay null). */
    public static float[][] normalizeRows(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i] == null ? null : normalize(rows[i]);
        }
        return out;
    }

    /** Squared Euclidean distance, accumulated in double. */
    public static double squaredDistance(float[] a, float[] b) {
        checkSameLength(a, b);
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    private static void checkSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of different lengths: " + a.length + " vs " + b.length);
        }
    }
}
