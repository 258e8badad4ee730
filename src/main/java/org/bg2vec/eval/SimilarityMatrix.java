package org.bg2vec.eval;

import org.bg2vec.encode.Vectors;

/**
 * Cosine similarities between two sets of vectors, computed tile by tile (a block of rows against a block
 * of columns, so a column block stays in cache while the rows run over it) without materialising the whole
 * matrix. Every score comes from {@link #score}, so the same pair always gets the bit-identical value: exact
 * ties stay ties, whichever tile computes them.
 */
final class SimilarityMatrix {

    /** Rows and columns per tile. */
    static final int BLOCK = 64;

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

    int rowCount() {
        return rows.length;
    }

    int colCount() {
        return cols.length;
    }

    /** Cosine of row {@code i} and column {@code j} (dot of the unit vectors, summed in float, fixed order). */
    float score(int i, int j) {
        float[] a = rows[i];
        float[] b = cols[j];
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int k = 0;
        for (; k + 4 <= a.length; k += 4) {
            s0 += a[k] * b[k];
            s1 += a[k + 1] * b[k + 1];
            s2 += a[k + 2] * b[k + 2];
            s3 += a[k + 3] * b[k + 3];
        }
        for (; k < a.length; k++) {
            s0 += a[k] * b[k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Visitor of one tile's scores. */
    interface TileVisitor {
        void visit(int row, int col, float score);
    }

    /** Visits every score of the rows {@code [rowStart, rowEnd)} against all columns, tile by tile. */
    void forRows(int rowStart, int rowEnd, TileVisitor visitor) {
        for (int c0 = 0; c0 < cols.length; c0 += BLOCK) {
            int c1 = Math.min(cols.length, c0 + BLOCK);
            for (int i = rowStart; i < rowEnd; i++) {
                for (int j = c0; j < c1; j++) {
                    visitor.visit(i, j, score(i, j));
                }
            }
        }
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
