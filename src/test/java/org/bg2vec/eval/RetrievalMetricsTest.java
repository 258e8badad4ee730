package org.bg2vec.eval;

import org.bg2vec.encode.Vectors;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RetrievalMetricsTest {

    // documents: d0 = (1,0), d1 = (0,1), d2 = (1,1)/sqrt2, d3 = (-1,0)
    private static final float[][] DOCS = {{1, 0}, {0, 1}, {1, 1}, {-1, 0}};

    @Test
    void handComputedRanksAndMetrics() {
        float[][] queries = {{1, 0}, {0, 1}, {-1, -1}, {2, 0}};
        int[] relevant = {0, 2, 1, 3};
        // q0=(1,0) -> d0: scores 1, 0, .707, -1: nothing ahead            -> rank 1
        // q1=(0,1) -> d2: scores 0, 1, .707, 0: d1 ahead                  -> rank 2
        // q2=(-1,-1)/sqrt2 -> d1: scores -.707, -.707, -1, .707: d3 ahead, d0 ties d1 exactly
        //    (ties count against the query)                                -> rank 3
        // q3=(1,0) -> d3: scores 1, 0, .707, -1: d0, d1, d2 ahead         -> rank 4
        assertArrayEquals(new int[]{1, 2, 3, 4}, RetrievalMetrics.ranks(queries, DOCS, relevant));
        RetrievalMetrics.Result r = RetrievalMetrics.evaluate(queries, DOCS, relevant);
        assertEquals(4, r.queries());
        assertEquals(4, r.documents());
        assertEquals(0.25, r.recallAt1(), 1e-12);                 // 1 of 4 at rank 1
        assertEquals(1.0, r.recallAt10(), 1e-12);                 // all within 10
        assertEquals((1 + 1 / 2.0 + 1 / 3.0 + 1 / 4.0) / 4, r.mrr(), 1e-12); // 25/48
    }

    @Test
    void recallAt10CountsRankTenButNotEleven() {
        // 12 documents on the unit circle at 0, 15, ..., 165 degrees; the query is at 0 degrees, so document k
        // has exactly k documents ahead of it
        float[][] docs = new float[12][];
        for (int k = 0; k < 12; k++) {
            double a = Math.toRadians(15 * k);
            docs[k] = new float[]{(float) Math.cos(a), (float) Math.sin(a)};
        }
        float[][] queries = {{1, 0}, {1, 0}, {1, 0}};
        int[] relevant = {9, 10, 11};
        assertArrayEquals(new int[]{10, 11, 12}, RetrievalMetrics.ranks(queries, docs, relevant));
        RetrievalMetrics.Result r = RetrievalMetrics.evaluate(queries, docs, relevant);
        assertEquals(1 / 3.0, r.recallAt10(), 1e-12);
        assertEquals(0, r.recallAt1(), 0);
        assertEquals((1 / 10.0 + 1 / 11.0 + 1 / 12.0) / 3, r.mrr(), 1e-12);
    }

    @Test
    void collapsedEncoderGetsTheWorstRankWhateverTheOrder() {
        float[][] same = {{1, 2}, {1, 2}, {1, 2}, {1, 2}, {1, 2}};
        assertArrayEquals(new int[]{5, 5, 5, 5, 5},
                RetrievalMetrics.ranks(same, same, new int[]{0, 1, 2, 3, 4}));
    }

    @Test
    void blockedRanksEqualBruteForceOnRandomVectorsAcrossTiles() {
        Random rnd = new Random(7);
        int nq = 150;
        int nd = 200; // several 64-wide tiles in both directions
        float[][] q = gaussian(rnd, nq, 16);
        float[][] d = gaussian(rnd, nd, 16);
        int[] rel = new int[nq];
        for (int i = 0; i < nq; i++) {
            rel[i] = rnd.nextInt(nd);
            // make the relevant document close to the query half of the time
            if (i % 2 == 0) {
                for (int k = 0; k < 16; k++) {
                    d[rel[i]][k] = q[i][k] + 0.3f * (float) rnd.nextGaussian();
                }
            }
        }
        int[] got = RetrievalMetrics.ranks(q, d, rel);
        for (int i = 0; i < nq; i++) {
            double gold = Vectors.cosine(q[i], d[rel[i]]);
            int ahead = 0;
            for (int j = 0; j < nd; j++) {
                if (j != rel[i] && Vectors.cosine(q[i], d[j]) >= gold) {
                    ahead++;
                }
            }
            assertEquals(1 + ahead, got[i], "query " + i);
        }
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> RetrievalMetrics.ranks(new float[][]{{1, 0}}, DOCS, new int[]{4}));
        assertThrows(IllegalArgumentException.class,
                () -> RetrievalMetrics.ranks(new float[][]{{Float.NaN, 0}}, DOCS, new int[]{0}));
        assertThrows(IllegalArgumentException.class,
                () -> RetrievalMetrics.ranks(new float[][]{{1, 0, 0}}, DOCS, new int[]{0}));
    }

    static float[][] gaussian(Random rnd, int n, int dim) {
        float[][] v = new float[n][dim];
        for (float[] row : v) {
            for (int k = 0; k < dim; k++) {
                row[k] = (float) rnd.nextGaussian();
            }
        }
        return v;
    }
}
