package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.bg2vec.collective.Collective;
import org.bg2vec.train.data.TrainSample;

import java.util.List;
import java.util.Map;

/**
 * The objective-specific part of one training step of one worker (SimCSE's {@link GradCacheStep}, MNTP's
 * micro-batch accumulation): the gradient of the global batch, summed over the workers, from this worker's slice.
 * Everything else of a step (loss scaling, clipping, AdamW, checkpoints, metrics) is the shared loop of
 * {@link SimCseTrainer}.
 */
public interface TrainingStep {

    /**
     * Gradient (summed over workers, multiplied by {@code gradScale}; one flat float32 tensor on the training device
     * that belongs to the manager {@link #run} was given, for the caller to close), global loss, tokens of this slice.
     */
    record Result(NDArray gradients, double loss, long tokens) {
    }

    /** A validation batch: its global loss and further named metrics (e.g. MNTP's accuracy). */
    record Validation(double loss, Map<String, Double> metrics) {
    }

    /** Computes the summed gradient of step {@code step} for this worker's {@code slice}. */
    Result run(NDManager manager, List<TrainSample> slice, long step, double gradScale);

    /** The global loss of a validation batch in eval mode (no dropout, no grad). */
    Validation evaluate(NDManager manager, List<TrainSample> slice);

    /** Metrics of a whole validation derived from its mean loss (e.g. MNTP's perplexity exp(loss)); none by default. */
    default Map<String, Double> derivedMetrics(double meanLoss) {
        return Map.of();
    }

    /**
     * How a trainer builds its step once the trainable parameters and the collective are set up, with the
     * objective's name (for logs) and its settings (part of the run's identity: a checkpoint of other settings
     * is another run's).
     */
    interface Factory {
        String name();

        Map<String, String> settings();

        TrainingStep create(TrainableVector params, Collective collective);
    }
}
