package org.bg2vec.train;

/**
 * AdamW with torch's update rule ({@code torch.optim.AdamW}, non-amsgrad) on flat fp32 arrays:
 * decoupled weight decay, bias-corrected first and second moments, eps added after the
 * bias-corrected square root. State (m, v, step count) is fp32 and checkpointed.
 */
public final class HostAdamW {

    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final float[] m;
    private final float[] v;
    private long step;

    public HostAdamW(int size, double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        this.weightDecay = (float) weightDecay;
        this.m = new float[size];
        this.v = new float[size];
    }

    /** One update of {@code params} in place with gradient {@code grads} at learning rate {@code lr}. */
    public void update(float[] params, float[] grads, double lr) {
        if (params.length != m.length || grads.length != m.length) {
            throw new IllegalArgumentException("AdamW state has " + m.length + " entries, got params "
                    + params.length + " and grads " + grads.length);
        }
        step++;
        AdamW.StepScalars k = AdamW.StepScalars.of(beta1, beta2, weightDecay, step, lr);
        float decay = k.decay();
        float stepSize = k.stepSize();
        float invBc2Sqrt = k.invBc2Sqrt();
        float oneMinusB1 = 1f - beta1;
        float oneMinusB2 = 1f - beta2;
        for (int i = 0; i < params.length; i++) {
            float g = grads[i];
            float p = weightDecay == 0f ? params[i] : params[i] * decay;
            float mi = m[i] + oneMinusB1 * (g - m[i]);
            float vi = v[i] * beta2 + oneMinusB2 * g * g;
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) * invBc2Sqrt + eps;
            params[i] = p - stepSize * (mi / denom);
        }
    }

    public long step() {
        return step;
    }

    public float[] firstMoment() {
        return m;
    }

    public float[] secondMoment() {
        return v;
    }

    /** Restores checkpointed state. */
    public void restore(long stepCount, float[] first, float[] second) {
        if (first.length != m.length || second.length != v.length) {
            throw new IllegalArgumentException("checkpointed optimizer state has " + first.length
                    + " entries, the model has " + m.length + " trainable values: the checkpoint is from another model");
        }
        System.arraycopy(first, 0, m, 0, m.length);
        System.arraycopy(second, 0, v, 0, v.length);
        this.step = stepCount;
    }
}
