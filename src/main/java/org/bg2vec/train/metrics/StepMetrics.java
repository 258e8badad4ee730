package org.bg2vec.train.metrics;

/**
 * What one training step measured (rank 0's view, with every rank's timings).
 *
 * @param step              steps completed after this one (1-based)
 * @param totalSteps        steps this run will take
 * @param epoch             epoch of the batch
 * @param loss              global loss of the step (identical on every rank)
 * @param learningRate      learning rate applied (0 if skipped)
 * @param gradNorm          global gradient norm before clipping (NaN if skipped)
 * @param lossScale         loss scale used for the step
 * @param skipped           true if the step was skipped (non-finite gradient)
 * @param stepSeconds       per rank: wall time of the step
 * @param collectiveSeconds per rank: time spent in collective operations
 * @param tokens            real tokens of the global batch (both views)
 * @param samples           samples of the global batch
 */
public record StepMetrics(long step, long totalSteps, int epoch, double loss, double learningRate, double gradNorm,
                          double lossScale, boolean skipped, float[] stepSeconds, float[] collectiveSeconds,
                          long tokens, int samples) {

    /** The slowest rank's step time (what bounds throughput). */
    public double wallSeconds() {
        double m = 0;
        for (float s : stepSeconds) {
            m = Math.max(m, s);
        }
        return m;
    }
}
