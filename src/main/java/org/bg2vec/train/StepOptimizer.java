package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.Tensors;
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
 *
 * <p>All of it runs as tensor operations on the training device: the gradient, the master values and AdamW's moments
 * are flat float32 tensors there, and the write-back is a copy on the device. Only scalars reach the host (the loss,
 * the sum of squares that is both the finite check and the norm, {@link GradientClipping}); the vectors come to the
 * host only for a checkpoint. On the CPU the parameters are bit for bit those of the former loop over Java arrays
 * ({@code TensorOptimizerEquivalenceTest}); only the reported norm differs from a sequential sum's, by rounding.
 */
final class StepOptimizer implements AutoCloseable {

    /** What one update did: applied or skipped (non-finite), and at which rate, norm and loss scale. */
    record Applied(boolean finite, double learningRate, double gradNorm, double usedScale) {
    }

    static final int MAX_CONSECUTIVE_SKIPS = 25;

    private final TrainConfig config;
    private final TrainableVector params;
    private final LinearSchedule schedule;
    private final NDManager tensors;
    private final AdamW adam;
    private final DynamicLossScaler scaler;
    private NDArray master;
    private int consecutiveSkips;

    StepOptimizer(TrainConfig config, TrainableVector params, LinearSchedule schedule) {
        this.config = config;
        this.params = params;
        this.schedule = schedule;
        this.tensors = params.parameters().get(0).array().getManager().newSubManager();
        this.master = params.valuesTensor(tensors);
        this.adam = new AdamW(tensors, params.size(), config.adamBeta1(), config.adamBeta2(), config.adamEpsilon(),
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
        master.close();
        master = Tensors.owned(tensors, resumed.values(), new Shape(resumed.values().length));
        params.setValues(master);
        adam.restore(resumed.optimizerSteps(), resumed.firstMoment(), resumed.secondMoment());
        scaler.restore(resumed.state().lossScale(), resumed.state().goodSteps());
    }

    /**
     * Applies the summed gradient {@code grads} (a flat float32 tensor on the training device, scaled by
     * {@link #scale()}; unscaled and clipped in place) of a step whose loss was {@code loss}.
     */
    Applied apply(NDArray grads, double loss) {
        long phase = StepPhases.begin();
        double sumOfSquares = Double.isFinite(loss) ? GradientClipping.sumOfSquares(grads) : Double.NaN;
        double usedScale = scaler.scale();
        if (!scaler.update(Double.isFinite(sumOfSquares))) {
            if (++consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
                throw new PermanentFailureException(PermanentFailureException.Kind.DIVERGED,
                        "non-finite gradients in " + consecutiveSkips + " consecutive steps (last loss " + loss
                        + ", loss scale " + scaler.scale() + "): training diverged; lower learning_rate or check the"
                        + " data");
            }
            return new Applied(false, 0, Double.NaN, usedScale);
        }
        if (usedScale != 1.0) {
            GradientClipping.scale(grads, (float) (1.0 / usedScale));
            sumOfSquares = GradientClipping.sumOfSquares(grads);
        }
        double norm = Math.sqrt(sumOfSquares);
        GradientClipping.clip(grads, norm, config.maxGradNorm());
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
        return checkpoints.save(state, adam.step(), params.parameters(), master.toFloatArray(), adam.firstMoment(),
                adam.secondMoment(), config.raw(), encoder, run);
    }

    /** Frees the master values and the optimizer state. */
    @Override
    public void close() {
        tensors.close();
    }
}
