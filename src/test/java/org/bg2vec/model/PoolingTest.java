package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.tokenize.TokenizedBatch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hand-checked llm2vec pooling on a 2 x 4 left-padded batch whose hidden state at position t is [t, 10t]. */
class PoolingTest {

    // row 0: [pad, BOS, a, b]; row 1: [BOS, a, b, c]
    private static final TokenizedBatch BATCH = new TokenizedBatch(2, 4,
            new long[]{2, 1, 7, 8, 1, 5, 6, 9},
            new long[]{0, 1, 1, 1, 1, 1, 1, 1},
            new long[]{0, 0, 1, 1, 0, 1, 1, 1});

    private static float[] pool(Pooling p) {
        try (NDManager m = DjlRuntime.newManager()) {
            float[] h = new float[2 * 4 * 2];
            for (int r = 0; r < 2; r++) {
                for (int t = 0; t < 4; t++) {
                    h[(r * 4 + t) * 2] = t + 100 * r;
                    h[(r * 4 + t) * 2 + 1] = 10 * t;
                }
            }
            NDArray hidden = m.create(h, new Shape(2, 4, 2));
            return p.pool(hidden, BATCH, 1).toFloatArray();
        }
    }

    @Test
    void meanOverEmbedMask() {
        assertArrayEquals(new float[]{2.5f, 25f, 102f, 20f}, pool(Pooling.MEAN), 1e-5f);
    }

    @Test
    void weightedMeanUsesPositionWeights() {
        // row 0: weights 1/3, 2/3 on t=2,3 -> 2/3 + 2 = 8/3; row 1: 1/6, 2/6, 3/6 on t=1,2,3 -> (1+4+9)/6 = 14/6
        assertArrayEquals(new float[]{8f / 3, 80f / 3, 100 + 14f / 6, 140f / 6}, pool(Pooling.WEIGHTED_MEAN), 1e-4f);
    }

    @Test
    void lastAndBosTokens() {
        assertArrayEquals(new float[]{3, 30, 103, 30}, pool(Pooling.EOS_TOKEN), 0f);
        assertArrayEquals(new float[]{3, 30, 103, 30}, pool(Pooling.LAST_TOKEN), 0f);
        assertArrayEquals(new float[]{1, 10, 100, 0}, pool(Pooling.BOS_TOKEN), 0f);
    }

    @Test
    void emptyPoolingMaskGivesZeros() {
        TokenizedBatch empty = new TokenizedBatch(1, 2, new long[]{2, 1}, new long[]{0, 1}, new long[]{0, 0});
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray hidden = m.create(new float[]{1, 2, 3, 4}, new Shape(1, 2, 2));
            assertArrayEquals(new float[]{0, 0}, Pooling.MEAN.pool(hidden, empty, 1).toFloatArray(), 0f);
            assertArrayEquals(new float[]{0, 0}, Pooling.WEIGHTED_MEAN.pool(hidden, empty, 1).toFloatArray(), 0f);
        }
    }

    @Test
    void parsesLlm2vecNames() {
        assertEquals(Pooling.WEIGHTED_MEAN, Pooling.parse("weighted_mean"));
        assertEquals(Pooling.EOS_TOKEN, Pooling.parse("eos"));
        assertThrows(IllegalArgumentException.class, () -> Pooling.parse("max"));
    }
}
