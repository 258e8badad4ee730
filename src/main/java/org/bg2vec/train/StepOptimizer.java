package org.bg2vec.train;

import org.bg2vec.model.Trainable;
import org.bg2vec.progress.StepPhases;
import org.bg2vec.train.checkpoint.Checkpoints;
import org.bg2vec.train.checkpoint.RunIdentity;
import org.bg2vec.train.checkpoint.TrainingState;

import java.io.IOException;

/**
 * What happens to a step's summed gradient: the finite check (a non-finite step is skipped and, in fp16, lowers
 * the loss scale), unscaling, global-norm clipping and AdamW at the schedule's learning rate on the float32 master
 * values, which are then written back into the trainable parameters. Too many skipped steps in a row end the run
 * as diverged.
 */
final class StepOptimizer {

    /** What one update did: applied or skipped (non-finite), and at which rate, norm and loss scale. */
    record Applied(boolean finite, double learningRate, double gradNorm, double usedScale) {
    }

    static final int MAX_CONSECUTIVE_SKIPS = 25;

    private final TrainConfig config;
    private final TrainableVector params;
    private final LinearSchedule schedule;
    private final AdamW adam;
    private final DynamicLossScaler scaler;
    private float[] master;
    private int consecutiveSkips;

    StepOptimizer(TrainConfig config, TrainableVector params, LinearSchedule schedule) {
        this.config = config;
        this.params = params;
        this.schedule = schedule;
        this.master = params.values();
        this.adam = new AdamW(params.size(), config.adamBeta1(), config.adamBeta2(), config.adamEpsilon(),
                config.weightDecay());
        this.scaler = DynamicLossScaler.of(config);
    }

    TrainableVector params() {
        return params;
    }

    /** The loss scale the next step's gradients are computed with. */
    double scale() {
        return scaler.scale();
    }

    int goodSteps() {
        return scaler.goodSteps();
    }

    /** Continues from a checkpoint of the same parameters (a different layout is a permanent model mismatch). */
    void restore(Checkpoints.Loaded resumed) {
        String mismatch = resumed.mismatch(params.parameters(), params.size());
        if (mismatch != null) {
            throw new PermanentFailureException(PermanentFailureException.Kind.MODEL_MISMATCH, mismatch);
        }
        master = resumed.values();
        params.setValues(master);
        adam.restore(resumed.optimizerSteps(), resumed.firstMoment(), resumed.secondMoment());
        scaler.restore(resumed.state().lossScale(), resumed.state().goodSteps());
    }

    /** Applies the summed gradient {@code grads} (scaled by {@link #scale()}) of a step whose loss was {@code loss}. */
    Applied apply(float[] grads, double loss) {
        boolean finite = Double.isFinite(loss) && GradientClipping.allFinite(grads);
        double usedScale = scaler.scale();
        if (!scaler.update(finite)) {
            if (++consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
                throw new PermanentFailureException(PermanentFailureException.Kind.DIVERGED,
                        "non-finite gradients in " + consecutiveSkips + " consecutive steps (last loss " + loss
                        + ", loss scale " + scaler.scale() + "): training diverged; lower learning_rate or check the"
                        + " data");
            }
            return new Applied(false, 0, Double.NaN, usedScale);
        }
        if (usedScale != 1.0) {
            float inv = (float) (1.0 / usedScale);
            for (int i = 0; i < grads.length; i++) {
                grads[i] *= inv;
            }
        }
        long phase = StepPhases.begin();
        double norm = GradientClipping.clip(grads, config.maxGradNorm());
        double lr = schedule.learningRate(adam.step());
        adam.update(master, grads, lr);
        phase = StepPhases.end(StepPhases.Phase.CLIP_AND_ADAMW, phase);
        params.setValues(master);
        StepPhases.end(StepPhases.Phase.WRITE_BACK, phase);
        consecutiveSkips = 0;
        return new Applied(true, lr, norm, usedScale);
    }

    /** Writes a checkpoint of the parameters and the optimizer state. */
    String save(Checkpoints checkpoints, TrainingState state, Trainable encoder, RunIdentity run) throws IOException {
        return checkpoints.save(state, adam.step(), params.parameters(), master, adam.firstMoment(),
                adam.secondMoment(), config.raw(), encoder, run);
    }
}
