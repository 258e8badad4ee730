package org.bg2vec.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchSplitTest {

    @Test
    void aBatchSplitsIntoEqualSlicesOfWholeMicroBatches() {
        assertEquals(32, BatchSplit.sliceSize(128, 4, 8));
        assertEquals(128, BatchSplit.sliceSize(128, 1, 128));
        assertNull(BatchSplit.problem(128, 2, 0), "micro_batch_size auto: only the worker split is checked");
    }

    @Test
    void eachWayOfBreakingTheRuleIsNamed() {
        assertTrue(BatchSplit.problem(128, 3, 8).contains("global_batch_size 128 is not divisible by workers 3"));
        assertTrue(BatchSplit.problem(128, 2, 48).contains("global_batch_size/workers = 64 is not a multiple of"
                + " micro_batch_size 48"));
        assertTrue(BatchSplit.problem(128, 3, 0).contains("not divisible by workers 3"));
        String m = assertThrows(IllegalArgumentException.class, () -> BatchSplit.sliceSize(16, 2, 3)).getMessage();
        assertEquals(BatchSplit.problem(16, 2, 3), m);
    }

    @Test
    void theConfigReaderAndGradCacheReportTheSameRule() {
        String fromConfig = assertThrows(IllegalArgumentException.class, () -> TrainConfig.parse(
                "{\"output_dir\": \"o\", \"global_batch_size\": 16, \"workers\": 2, \"micro_batch_size\": 3}"))
                .getMessage();
        assertTrue(fromConfig.contains(BatchSplit.problem(16, 2, 3)), fromConfig);
    }
}
