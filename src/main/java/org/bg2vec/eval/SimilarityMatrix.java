package org.bg2vec.eval;

import org.bg2vec.encode.Vectors;

/**
 * Cosine similarities between two sets of vectors, computed a block of rows at a time against all columns
 * without materialising the whole matrix. Inside a block a 4×4 register tile (four rows against four columns)
 * reuses every loaded value four times, and column tiles of {@link #COL_BLOCK} stay in cache while the rows
 * of the block run over them.
 *
 * <p>Every score is one float sum over the dimensions in index order, whichever tile computes it, so the same
 * pair always gets the bit-identical value and exact ties stay ties.
 */
final class SimilarityMatrix {

    /** Rows per block handed to {@link #scoreRows}. */
    static final int ROW_BLOCK = 64;
    /** Columns per cache tile. */
    static final int COL_BLOCK = 64;

    private final float[][] rows;
    private final float[][] cols;

    /** Normalises copies of both sets; rejects non-finite values (a NaN score would rank first). */
    SimilarityMatrix(float[][] rows, float[][] cols, String rowName, String colName) {
        this.rows = unitRows(rows, rowName);
        this.cols = unitRows(cols, colName);
        if (this.rows.length > 0 && this.cols.length > 0 && this.rows[0].length != this.cols[0].length) {
            throw new IllegalArgumentException(rowName + " have dimension " + this.rows[0].length + " but "
                    + colName + " have " + this.cols[0].length);
        }
    }

    /**
     * Scores of rows {@code [r0, r1)} against all columns: {@code out[i - r0][j]} = cos(row i, column j).
     * {@code out} must have at least {@code r1 - r0} rows with one entry per column.
     */
    void scoreRows(int r0, int r1, float[][] out) {
        for (int c0 = 0; c0 < cols.length; c0 += COL_BLOCK) {
            int c1 = Math.min(cols.length, c0 + COL_BLOCK);
            int i = r0;
            for (; i + 4 <= r1; i += 4) {
                int j = c0;
                for (; j + 4 <= c1; j += 4) {
                    tile4x4(i, j, r0, out);
                }
                for (; j < c1; j++) {
                    for (int ii = i; ii < i + 4; ii++) {
                        out[ii - r0][j] = dot(rows[ii], cols[j]);
                    }
                }
            }
            for (; i < r1; i++) {
                for (int j = c0; j < c1; j++) {
                    out[i - r0][j] = dot(rows[i], cols[j]);
                }
            }
        }
    }

    /** One pair's score: the same sequential float sum as inside {@link #tile4x4}. */
    static float dot(float[] a, float[] b) {
        float s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    private void tile4x4(int i, int j, int r0, float[][] out) {
        float[] a0 = rows[i];
        float[] a1 = rows[i + 1];
        float[] a2 = rows[i + 2];
        float[] a3 = rows[i + 3];
        float[] b0 = cols[j];
        float[] b1 = cols[j + 1];
        float[] b2 = cols[j + 2];
        float[] b3 = cols[j + 3];
        float s00 = 0, s01 = 0, s02 = 0, s03 = 0;
        float s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        float s20 = 0, s21 = 0, s22 = 0, s23 = 0;
        float s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (int k = 0; k < a0.length; k++) {
            float x0 = a0[k];
            float x1 = a1[k];
            float x2 = a2[k];
            float x3 = a3[k];
            float y0 = b0[k];
            float y1 = b1[k];
            float y2 = b2[k];
            float y3 = b3[k];
            s00 += x0 * y0;
            s01 += x0 * y1;
            s02 += x0 * y2;
            s03 += x0 * y3;
            s10 += x1 * y0;
            s11 += x1 * y1;
            s12 += x1 * y2;
            s13 += x1 * y3;
            s20 += x2 * y0;
            s21 += x2 * y1;
            s22 += x2 * y2;
            s23 += x2 * y3;
            s30 += x3 * y0;
            s31 += x3 * y1;
            s32 += x3 * y2;
            s33 += x3 * y3;
        }
        float[] o0 = out[i - r0];
        float[] o1 = out[i - r0 + 1];
        float[] o2 = out[i - r0 + 2];
        float[] o3 = out[i - r0 + 3];
        o0[j] = s00;
        o0[j + 1] = s01;
        o0[j + 2] = s02;
        o0[j + 3] = s03;
        o1[j] = s10;
        o1[j + 1] = s11;
        o1[j + 2] = s12;
        o1[j + 3] = s13;
        o2[j] = s20;
        o2[j + 1] = s21;
        o2[j + 2] = s22;
        o2[j + 3] = s23;
        o3[j] = s30;
        o3[j + 1] = s31;
        o3[j + 2] = s32;
        o3[j + 3] = s33;
    }

    static float[][] unitRows(float[][] v, String name) {
        float[][] out = new float[v.length][];
        int dim = v.length == 0 ? 0 : v[0].length;
        for (int i = 0; i < v.length; i++) {
            if (v[i].length != dim) {
                throw new IllegalArgumentException(name + " " + i + " has dimension " + v[i].length + ", expected "
                        + dim);
            }
            for (float f : v[i]) {
                if (!Float.isFinite(f)) {
                    throw new IllegalArgumentException(name + " " + i + " has a non-finite value (" + f + ")");
                }
            }
            out[i] = Vectors.normalize(v[i]);
        }
        return out;
    }
}
