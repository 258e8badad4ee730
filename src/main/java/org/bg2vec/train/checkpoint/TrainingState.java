package org.bg2vec.train.checkpoint;

import org.bg2vec.train.data.GlobalBatches;

/**
 * Scalar training state saved with each checkpoint.
 *
 * @param step           training steps completed (global batches consumed)
 * @param cursor         the next global batch to train on
 * @param lossScale      current dynamic loss scale (1 in fp32)
 * @param goodSteps      consecutive finite steps since the last scale change
 * @param skippedSteps   steps skipped so far because of a non-finite gradient
 */
public record TrainingState(long step, GlobalBatches.Cursor cursor, double lossScale, int goodSteps, long skippedSteps) {

    public static TrainingState initial(double lossScale) {
        return new TrainingState(0, new GlobalBatches.Cursor(0, 0), lossScale, 0, 0);
    }
}
