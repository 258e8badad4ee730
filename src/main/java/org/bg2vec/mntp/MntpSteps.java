package org.bg2vec.mntp;

import ai.djl.ndarray.NDManager;
import org.bg2vec.collective.Collective;
import org.bg2vec.train.ModelFacts;
import org.bg2vec.train.TrainConfig;
import org.bg2vec.train.TrainableVector;
import org.bg2vec.train.TrainingStep;
import org.bg2vec.train.data.BatchCollator;
import org.bg2vec.train.data.TrainSample;

import java.util.List;
import java.util.Map;

/**
 * MNTP as a {@link TrainingStep} of the shared training loop: {@link MntpStep} over the prepared samples' ids
 * (the first view; {@code bg2vec prepare} writes the same text in both). Validation reports the mean loss, the
 * masked-token accuracy (both averaged over the batches) and the perplexity {@code exp(mean loss)}.
 */
public final class MntpSteps implements TrainingStep.Factory {

    private final TrainConfig config;
    private final MntpSettings settings;
    private final MntpModel model;
    private final Masking masking;
    private final ModelFacts facts;

    public MntpSteps(TrainConfig config, MntpSettings settings, MntpModel model, Masking masking, ModelFacts facts) {
        this.config = config;
        this.settings = settings;
        this.model = model;
        this.masking = masking;
        this.facts = facts;
    }

    @Override
    public String name() {
        return "MNTP";
    }

    @Override
    public Map<String, String> settings() {
        return settings.identity();
    }

    @Override
    public TrainingStep create(TrainableVector params, Collective collective) {
        MntpStep step = new MntpStep(model, masking, collective, params, new BatchCollator(facts.padTokenId()),
                config.globalBatchSize(), config.microBatchSize(), config.seed());
        return new TrainingStep() {
            @Override
            public Result run(NDManager manager, List<TrainSample> slice, long stepIndex, double gradScale) {
                MntpStep.Result r = step.run(manager, ids(slice), stepIndex, gradScale);
                return new Result(r.gradients(), r.loss(), r.tokens());
            }

            @Override
            public Validation evaluate(NDManager manager, List<TrainSample> slice) {
                double[] v = step.evaluate(manager, ids(slice));
                return new Validation(v[0], Map.of("accuracy", v[1]));
            }

            @Override
            public Map<String, Double> derivedMetrics(double meanLoss) {
                return Map.of("perplexity", Math.exp(meanLoss));
            }
        };
    }

    private static List<int[]> ids(List<TrainSample> slice) {
        return slice.stream().map(TrainSample::queryIds).toList();
    }
}
