package org.bg2vec.encode;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VectorsTest {

    @Test
    void handComputedValues() {
        float[] a = {3, 4};
        float[] b = {4, 3};
        assertEquals(24, Vectors.dot(a, b), 0);          // 3*4 + 4*3
        assertEquals(5, Vectors.norm(a), 1e-12);          // sqrt(9 + 16)
        assertEquals(24.0 / 25, Vectors.cosine(a, b), 1e-12); // 24 / (5*5)
        assertEquals(2, Vectors.squaredDistance(a, b), 0);  // 1 + 1
        assertArrayEquals(new float[]{0.6f, 0.8f}, Vectors.normalize(a), 1e-7f);
    }

    @Test
    void zeroVectorHasNoDirection() {
        float[] z = {0, 0, 0};
        assertArrayEquals(z, Vectors.normalize(z));
        assertEquals(0, Vectors.cosine(z, new float[]{1, 2, 3}));
    }

    @Test
    void normalizeRowsKeepsNullRows() {
        float[][] r = Vectors.normalizeRows(new float[][]{{0, 2}, null});
        assertArrayEquals(new float[]{0, 1}, r[0]);
        assertNull(r[1]);
    }

    @Test
    void lengthMismatchIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Vectors.dot(new float[2], new float[3]));
    }
}
