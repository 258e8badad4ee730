package org.bg2vec.train.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndependentCroppingTest {

    private static final IndependentCropping CROP = new IndependentCropping(true, IndependentCropping.CONTRIEVER,
            IndependentCropping.CONTRIEVER);

    /** BOS 1 then the text tokens 100, 101, ..., 100 + n - 1: a span is recognisable by its first token. */
    private static TrainSample sample(long id, int n) {
        int[] ids = new int[n + 1];
        ids[0] = 1;
        for (int i = 1; i <= n; i++) {
            ids[i] = 99 + i;
        }
        return new TrainSample(id, ids, ids.clone());
    }

    private static void assertSpan(int[] span, int n, double min, double max) {
        assertEquals(1, span[0], "BOS stays first");
        int length = span.length - 1;
        assertTrue(length >= Math.max(1, (int) Math.floor(min * n)) && length <= Math.max(1, (int) Math.floor(max * n)),
                "length " + length + " of " + n);
        for (int i = 2; i < span.length; i++) {
            assertEquals(span[i - 1] + 1, span[i], "a contiguous span of the text");
        }
        assertTrue(span[1] >= 100 && span[span.length - 1] <= 99 + n, "inside the text");
    }

    @Test
    void viewsAreTwoSpansOfTheTextWithinTheRatios() {
        for (int n : new int[]{1, 2, 7, 63}) {
            for (long step = 0; step < 50; step++) {
                TrainSample c = CROP.crop(sample(5, n), 42, step);
                assertEquals(5, c.sampleId());
                assertSpan(c.queryIds(), n, 0.1, 0.5);
                assertSpan(c.positiveIds(), n, 0.1, 0.5);
            }
        }
    }

    @Test
    void spansAreAFunctionOfSeedStepAndSampleOnly() {
        List<TrainSample> batch = new ArrayList<>();
        for (long id = 0; id < 8; id++) {
            batch.add(sample(1000 + id, 63));
        }
        List<TrainSample> once = CROP.apply(batch, 42, 3);
        List<TrainSample> again = CROP.apply(batch, 42, 3);
        // worker 1 of 2 crops only its half: the same spans as in the whole batch
        List<TrainSample> half = CROP.apply(batch.subList(4, 8), 42, 3);
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(once.get(i).queryIds(), again.get(i).queryIds());
            assertArrayEquals(once.get(i).positiveIds(), again.get(i).positiveIds());
        }
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(once.get(4 + i).queryIds(), half.get(i).queryIds());
            assertArrayEquals(once.get(4 + i).positiveIds(), half.get(i).positiveIds());
        }
        TrainSample s = batch.get(0);
        assertFalse(java.util.Arrays.equals(CROP.crop(s, 42, 3).queryIds(), CROP.crop(s, 42, 4).queryIds())
                && java.util.Arrays.equals(CROP.crop(s, 42, 3).positiveIds(), CROP.crop(s, 42, 4).positiveIds()),
                "another step, other spans");
        assertNotEquals(List.of(CROP.crop(s, 42, 3).queryIds()[1], CROP.crop(s, 42, 3).positiveIds()[1]),
                List.of(CROP.crop(s, 43, 3).queryIds()[1], CROP.crop(s, 43, 3).positiveIds()[1]), "another seed");
    }

    @Test
    void queryAndPositiveAreDrawnIndependently() {
        // over many samples the two views start at different places most of the time, and the starts cover the
        // whole range of possible positions
        int differ = 0;
        Set<Integer> starts = new HashSet<>();
        for (long id = 0; id < 400; id++) {
            TrainSample c = CROP.crop(sample(id, 40), 7, 0);
            differ += c.queryIds()[1] != c.positiveIds()[1] ? 1 : 0;
            starts.add(c.queryIds()[1]);
        }
        assertTrue(differ > 350, differ + " of 400 samples have views starting at different tokens");
        assertTrue(starts.contains(100) && starts.size() > 30, "starts seen: " + starts);
    }

    @Test
    void theQueryViewHasItsOwnRatios() {
        IndependentCropping asymmetric = new IndependentCropping(true, new IndependentCropping.Ratios(0.05, 0.2),
                new IndependentCropping.Ratios(0.5, 1.0));
        for (long id = 0; id < 200; id++) {
            TrainSample c = asymmetric.crop(sample(id, 60), 42, 9);
            assertSpan(c.queryIds(), 60, 0.05, 0.2);
            assertSpan(c.positiveIds(), 60, 0.5, 1.0);
        }
    }

    @Test
    void offLeavesTheBatchAsItIs() {
        List<TrainSample> batch = List.of(sample(1, 10), sample(2, 5));
        assertSame(batch, IndependentCropping.off().apply(batch, 42, 0));
        IndependentCropping.Ratios r = new IndependentCropping.Ratios(0.3, 0.4);
        assertEquals("off", new IndependentCropping(false, r, r).toString(),
                "unused ratios do not change the run identity");
    }
}
