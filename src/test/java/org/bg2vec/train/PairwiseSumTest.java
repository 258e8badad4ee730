package org.bg2vec.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.djl.Tensors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PairwiseSumTest {

    private static float[] sumOf(float[]... vs) {
        try (NDManager m = DjlRuntime.newManager()) {
            PairwiseSum s = new PairwiseSum();
            for (float[] v : vs) {
                s.add(Tensors.owned(m, v, new Shape(v.length)));
            }
            return s.result().toFloatArray();
        }
    }

    @Test
    void sumsAsABalancedTreeInOrder() {
        // values chosen so that float association matters: 1e8 + 1 - 1e8 ...
        float a = 1e8f;
        float b = 1f;
        float c = -1e8f;
        float d = 1f;
        assertArrayEquals(new float[]{(a + b) + (c + d)}, sumOf(new float[]{a}, new float[]{b}, new float[]{c},
                new float[]{d}), 0f);
        assertArrayEquals(new float[]{(a + b) + c}, sumOf(new float[]{a}, new float[]{b}, new float[]{c}), 0f);
        assertArrayEquals(new float[]{((1 + 2) + (3 + 4)) + 5f, 0f},
                sumOf(new float[]{1, 0}, new float[]{2, 0}, new float[]{3, 0}, new float[]{4, 0}, new float[]{5, 0}), 0f);
        assertThrows(IllegalStateException.class, () -> new PairwiseSum().result());
    }

    @Test
    void twoHalvesAddedTogetherEqualTheWholeTree() {
        float[][] g = new float[8][];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 8; i++) {
            g[i] = new float[64];
            for (int j = 0; j < 64; j++) {
                g[i][j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(8) - 4));
            }
        }
        float[] whole = sumOf(g);
        float[] left = sumOf(g[0], g[1], g[2], g[3]);
        float[] right = sumOf(g[4], g[5], g[6], g[7]);
        float[] halves = new float[64];
        for (int j = 0; j < 64; j++) {
            halves[j] = right[j] + left[j];
        }
        assertArrayEquals(whole, halves, 0f);
    }
}
