package org.bg2vec.train;

/**
 * Dynamic loss scaling for fp16 (the logic of torch's {@code GradScaler}): gradients are computed
 * for {@code loss × scale}; a step whose gradient has an inf/nan is skipped and the scale is
 * multiplied by {@code backoff}; after {@code growthInterval} consecutive good steps the scale is
 * multiplied by {@code growth}. With {@link #disabled()} the scale stays 1 and overflowing steps are
 * still skipped (fp32 training).
 */
public final class DynamicLossScaler {

    private final boolean dynamic;
    private final double growth;
    private final double backoff;
    private final int growthInterval;
    private double scale;
    private int goodSteps;

    public DynamicLossScaler(double initScale, double growth, double backoff, int growthInterval) {
        this(true, initScale, growth, backoff, growthInterval);
    }

    private DynamicLossScaler(boolean dynamic, double initScale, double growth, double backoff, int growthInterval) {
        this.dynamic = dynamic;
        this.scale = initScale;
        this.growth = growth;
        this.backoff = backoff;
        this.growthInterval = growthInterval;
    }

    /** Scale fixed at 1 (fp32). */
    public static DynamicLossScaler disabled() {
        return new DynamicLossScaler(false, 1.0, 1.0, 1.0, Integer.MAX_VALUE);
    }

    /** The scaler of a config: torch's GradScaler defaults (growth 2, backoff 0.5) for fp16. */
    public static DynamicLossScaler of(TrainConfig c) {
        return c.precision() == TrainConfig.Precision.FP16
                ? new DynamicLossScaler(c.fp16InitScale(), 2.0, 0.5, c.fp16GrowthInterval())
                : disabled();
    }

    public double scale() {
        return scale;
    }

    public int goodSteps() {
        return goodSteps;
    }

    /**
     * Records the outcome of a step: {@code finite == false} means the step must be skipped.
     *
     * @return true if the optimizer may apply the step
     */
    public boolean update(boolean finite) {
        if (!finite) {
            goodSteps = 0;
            if (dynamic) {
                scale *= backoff;
            }
            return false;
        }
        if (dynamic && ++goodSteps >= growthInterval) {
            scale *= growth;
            goodSteps = 0;
        }
        return true;
    }

    /** Restores checkpointed state. */
    public void restore(double savedScale, int savedGoodSteps) {
        this.scale = savedScale;
        this.goodSteps = savedGoodSteps;
    }
}
