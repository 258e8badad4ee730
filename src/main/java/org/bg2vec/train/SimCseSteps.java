package org.bg2vec.train;

import ai.djl.ndarray.NDManager;
import org.bg2vec.collective.Collective;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.model.TrainableEncoder;
import org.bg2vec.train.data.BatchCollator;
import org.bg2vec.train.data.TrainSample;

import java.util.List;
import java.util.Map;

/** SimCSE as a {@link TrainingStep}: {@link GradCacheStep} over the encoder with a contrastive loss. */
final class SimCseSteps implements TrainingStep.Factory {

    private final TrainConfig config;
    private final TrainableEncoder encoder;
    private final HardNegativeNLLLoss loss;
    private final ModelFacts model;

    SimCseSteps(TrainConfig config, TrainableEncoder encoder, HardNegativeNLLLoss loss, ModelFacts model) {
        this.config = config;
        this.encoder = encoder;
        this.loss = loss;
        this.model = model;
    }

    @Override
    public String name() {
        return "SimCSE";
    }

    /** None beyond the {@link TrainConfig} (so the identity of SimCSE runs is what it always was). */
    @Override
    public Map<String, String> settings() {
        return Map.of();
    }

    @Override
    public TrainingStep create(TrainableVector params, Collective collective) {
        GradCacheStep step = new GradCacheStep(encoder, loss, collective, params,
                new BatchCollator(model.padTokenId()), config.globalBatchSize(), config.microBatchSize(),
                config.seed(), !config.gradientCheckpointing());
        return new TrainingStep() {
            @Override
            public Result run(NDManager manager, List<TrainSample> slice, long stepIndex, double gradScale) {
                GradCacheStep.Result r = step.run(manager, slice, stepIndex, gradScale);
                return new Result(r.gradients(), r.loss(), r.tokens());
            }

            @Override
            public Validation evaluate(NDManager manager, List<TrainSample> slice) {
                return new Validation(step.evaluate(manager, slice), Map.of());
            }
        };
    }
}
