package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.Autograd;
import org.bg2vec.djl.Tensors;

/**
 * AdamW with torch's update rule ({@code torch.optim.AdamW}, non-amsgrad) on flat float32 tensors on the training
 * device: decoupled weight decay, bias-corrected first and second moments, eps added after the bias-corrected square
 * root. State (m, v, step count) is float32 and checkpointed.
 *
 * <p>Every element goes through the same float32 operations in the same order as the scalar loop
 * {@code m += (1-β1)(g-m); v = v·β2 + ((1-β2)·g)·g; p = p·decay - stepSize·(m / (sqrt(v)·invBc2Sqrt + eps))},
 * each one a separate element-wise tensor operation (no fused multiply-add), so on the CPU the result is bit for bit
 * that of the loop (tested against it in {@code TensorOptimizerEquivalenceTest}). The square root is taken in float64
 * and rounded to float32, which is the correctly rounded float32 root (as Java's {@code (float) Math.sqrt(v)}):
 * torch's float32 {@code sqrt} on the CPU goes through a vector math library that is off by one unit in the last place
 * for about 0.6% of inputs.
 */
public final class AdamW implements AutoCloseable {

    /** Values updated at a time: bounds the temporaries (about 32 bytes per value of a chunk, 32 MiB). */
    static final int CHUNK = 1 << 20;

    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final NDManager state;
    private NDArray m;
    private NDArray v;
    private long step;

    /** Zero state of {@code size} values, on {@code manager}'s device (a sub-manager of it holds the state). */
    public AdamW(NDManager manager, long size, double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        this.weightDecay = (float) weightDecay;
        this.state = manager.newSubManager();
        this.m = state.zeros(new Shape(size), DataType.FLOAT32);
        this.v = state.zeros(new Shape(size), DataType.FLOAT32);
    }

    /** One update of {@code params} in place with gradient {@code grads} at learning rate {@code lr}. */
    public void update(NDArray params, NDArray grads, double lr) {
        if (params.size() != m.size() || grads.size() != m.size()) {
            throw new IllegalArgumentException("AdamW state has " + m.size() + " entries, got params "
                    + params.size() + " and grads " + grads.size());
        }
        step++;
        StepScalars k = StepScalars.of(beta1, beta2, weightDecay, step, lr);
        try (Autograd.Scope off = Autograd.gradMode(false); NDManager tmp = state.newSubManager()) {
            Coefficients c = new Coefficients(Tensors.scalar(tmp, 1f - beta1), Tensors.scalar(tmp, 1f - beta2),
                    Tensors.scalar(tmp, beta2), Tensors.scalar(tmp, k.invBc2Sqrt()), Tensors.scalar(tmp, eps),
                    Tensors.scalar(tmp, k.stepSize()), weightDecay == 0f ? null : Tensors.scalar(tmp, k.decay()));
            for (long from = 0; from < m.size(); from += CHUNK) {
                NDIndex range = new NDIndex("{}:{}", from, Math.min(from + CHUNK, m.size()));
                try (NDManager chunk = tmp.newSubManager()) {
                    NDArray[] views = {params.get(range), grads.get(range), m.get(range), v.get(range)};
                    for (NDArray view : views) {
                        view.attach(chunk);
                    }
                    update(views[0], views[1], views[2], views[3], c, chunk);
                }
            }
        }
    }

    /**
     * The per-step float32 factors of torch's rule at optimizer step {@code step} (1-based): the decoupled weight
     * decay {@code 1 - lr·wd}, the step size {@code lr / (1 - β1^t)} and {@code 1 / sqrt(1 - β2^t)}.
     */
    public record StepScalars(float decay, float stepSize, float invBc2Sqrt) {
        public static StepScalars of(float beta1, float beta2, float weightDecay, long step, double lr) {
            double bc1 = 1.0 - Math.pow(beta1, step);
            double bc2Sqrt = Math.sqrt(1.0 - Math.pow(beta2, step));
            return new StepScalars((float) (1.0 - lr * weightDecay), (float) (lr / bc1), (float) (1.0 / bc2Sqrt));
        }
    }

    /** The update's float32 scalars as tensors, made once per step on the state's device (decay null without weight decay). */
    private record Coefficients(NDArray oneMinusB1, NDArray oneMinusB2, NDArray beta2, NDArray invBc2Sqrt, NDArray eps,
                                NDArray stepSize, NDArray decay) {
    }

    /** The update of one chunk: {@code p, mm, vv} are views written in place; temporaries belong to {@code tmp}. */
    private static void update(NDArray p, NDArray g, NDArray mm, NDArray vv, Coefficients c, NDManager tmp) {
        try (NDArray t = g.sub(mm)) {
            mm.addi(t.muli(c.oneMinusB1()));
        }
        try (NDArray g2 = g.mul(c.oneMinusB2())) {
            vv.muli(c.beta2()).addi(g2.muli(g));
        }
        NDArray denom;
        try (NDArray v64 = vv.toType(DataType.FLOAT64, true); NDArray root64 = v64.sqrt()) {
            denom = root64.toType(DataType.FLOAT32, true);
        }
        denom.attach(tmp);
        denom.muli(c.invBc2Sqrt()).addi(c.eps());
        NDArray update = mm.div(denom);
        update.attach(tmp);
        update.muli(c.stepSize());
        if (c.decay() != null) {
            p.muli(c.decay());
        }
        p.subi(update);
    }

    public long step() {
        return step;
    }

    /** The first moment, copied to the host (for a checkpoint). */
    public float[] firstMoment() {
        return m.toFloatArray();
    }

    /** The second moment, copied to the host (for a checkpoint). */
    public float[] secondMoment() {
        return v.toFloatArray();
    }

    /** Restores checkpointed state (copied to the state's device). */
    public void restore(long stepCount, float[] first, float[] second) {
        if (first.length != m.size() || second.length != v.size()) {
            throw new IllegalArgumentException("checkpointed optimizer state has " + first.length
                    + " entries, the model has " + m.size() + " trainable values: the checkpoint is from another model");
        }
        m.close();
        v.close();
        m = Tensors.owned(state, first, new Shape(first.length));
        v = Tensors.owned(state, second, new Shape(second.length));
        this.step = stepCount;
    }

    @Override
    public void close() {
        state.close();
    }
}
