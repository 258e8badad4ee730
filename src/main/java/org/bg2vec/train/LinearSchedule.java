package org.bg2vec.train;

/**
 * HF's {@code get_linear_schedule_with_warmup}: the learning rate rises linearly from 0 over
 * {@code warmupSteps}, then decays linearly to 0 at {@code horizon}. Optimizer step s (0-based: the
 * number of optimizer steps already taken) uses {@code peak × factor(s)}.
 *
 * <p>The horizon is the number of steps the decay is planned over, which need not be the number of
 * steps run: llm2vec plans over {@code num_train_epochs × steps_per_epoch} and stops earlier at
 * {@code stop_after_n_steps}; see {@link #horizon}.
 */
public record LinearSchedule(double peak, int warmupSteps, long horizon) {

    public double learningRate(long step) {
        if (step < warmupSteps) {
            return peak * step / Math.max(1, warmupSteps);
        }
        return peak * Math.max(0.0, (double) (horizon - step) / Math.max(1, horizon - warmupSteps));
    }

    /**
     * The decay horizon: {@code max_steps} when positive (HF: it overrides the epochs), else
     * {@code ceil(num_train_epochs × stepsPerEpoch)}.
     */
    public static long horizon(TrainConfig c, long stepsPerEpoch) {
        if (c.maxSteps() > 0) {
            return c.maxSteps();
        }
        return (long) Math.ceil(c.numTrainEpochs() * stepsPerEpoch);
    }

    /** The schedule of a config: warmup_steps if positive, else ceil(warmup_ratio × horizon). */
    public static LinearSchedule of(TrainConfig c, long stepsPerEpoch) {
        long h = horizon(c, stepsPerEpoch);
        int warmup = c.warmupSteps() > 0 ? c.warmupSteps() : (int) Math.ceil(c.warmupRatio() * h);
        return new LinearSchedule(c.learningRate(), warmup, h);
    }
}
