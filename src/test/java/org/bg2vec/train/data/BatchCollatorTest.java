package org.bg2vec.train.data;

import org.bg2vec.tokenize.TokenizedBatch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BatchCollatorTest {

    @Test
    void leftPadsWithThePadIdAndMasksBosOutOfPooling() {
        TokenizedBatch b = new BatchCollator(2).collate(List.of(new int[]{1, 10, 11, 12}, new int[]{1, 20}));
        assertEquals(2, b.batchSize());
        assertEquals(4, b.length());
        assertArrayEquals(new long[]{1, 10, 11, 12, 2, 2, 1, 20}, b.inputIds());
        assertArrayEquals(new long[]{1, 1, 1, 1, 0, 0, 1, 1}, b.attentionMask());
        assertArrayEquals(new long[]{0, 1, 1, 1, 0, 0, 0, 1}, b.embedMask());
    }
}
