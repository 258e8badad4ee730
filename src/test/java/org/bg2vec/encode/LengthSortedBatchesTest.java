package org.bg2vec.encode;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LengthSortedBatchesTest {

    private static final List<String> TEXTS = List.of("bb", "dddd", "a", "cc", "eeeee");

    @Test
    void planSortsLongestFirstWithStableTies() {
        List<int[]> plan = LengthSortedBatches.plan(TEXTS, 2);
        // lengths 2,4,1,2,5 -> order 4(5), 1(4), 0(2), 3(2: tie keeps input order), 2(1)
        assertEquals(3, plan.size());
        assertArrayEquals(new int[]{4, 1}, plan.get(0));
        assertArrayEquals(new int[]{0, 3}, plan.get(1));
        assertArrayEquals(new int[]{2}, plan.get(2));
    }

    @Test
    void embedInOrderRestoresInputOrderAndBatchesSorted() {
        HashingEmbedder e = new HashingEmbedder(8, 1);
        float[][] out = LengthSortedBatches.embedInOrder(e, TEXTS, 2);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertArrayEquals(e.vector(TEXTS.get(i)), out[i], "row " + i);
        }
        assertEquals(List.of(List.of("eeeee", "dddd"), List.of("bb", "cc"), List.of("a")), e.batches());
    }

    @Test
    void wrongVectorLengthIsReported() {
        TextEmbedder bad = new TextEmbedder() {
            public int dimension() {
                return 4;
            }

            public float[][] embed(List<String> texts) {
                return new float[texts.size()][3];
            }

            public void close() {
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LengthSortedBatches.embedInOrder(bad, TEXTS, 2));
        assertEquals("embedder returned a vector of length 3, expected its dimension 4", e.getMessage());
    }

    @Test
    void batchSizeMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> LengthSortedBatches.plan(TEXTS, 0));
    }
}
