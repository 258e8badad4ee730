package org.bg2vec.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.bg2vec.djl.Casts;
import org.bg2vec.djl.Tensors;

/**
 * llm2vec's {@code HardNegativeNLLLoss} (non-distributed): with {@code d = [d_pos; d_neg]} (negatives
 * optional), scores {@code S = scale · cos(q_i, d_j)} (L2 normalisation with eps 1e-12), and
 * {@code loss = CrossEntropy(S, labels = 0..B-1)} with mean reduction. Built from NDArray ops, so the
 * autograd graph reaches the inputs when grad mode is on. Results live in {@code q}'s manager.
 * Deterministic (no RNG), so every worker computes the identical global loss; the trainer calls
 * {@link #loss(NDArray, NDArray)} on the embeddings of the whole global batch.
 */
public final class HardNegativeNLLLoss {

    /** llm2vec's default scale (inverse temperature). */
    public static final float DEFAULT_SCALE = 20f;
    private static final float EPS = 1e-12f;

    private final float scale;

    public HardNegativeNLLLoss(float scale) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be > 0, got " + scale);
        }
        this.scale = scale;
    }

    public HardNegativeNLLLoss() {
        this(DEFAULT_SCALE);
    }

    /** {@code scale · cos(q, d)}: [Bq, Bd] float32 for q [Bq, H] and d [Bd, H]. */
    public NDArray scores(NDArray q, NDArray d) {
        return Tensors.mul(normalize(q).matMul(normalize(d).transpose()), scale);
    }

    /**
     * The scalar loss for queries {@code q} [B, H], positives {@code dPos} [B, H] and optional hard
     * negatives {@code dNeg} [B, H] (null for none); row i of q's positive is row i of dPos.
     */
    public NDArray loss(NDArray q, NDArray dPos, NDArray dNeg) {
        long b = q.getShape().get(0);
        if (dPos.getShape().get(0) != b) {
            throw new IllegalArgumentException("q has " + b + " rows but d_pos has " + dPos.getShape().get(0));
        }
        NDArray d = dNeg == null ? dPos : NDArrays.concat(new ai.djl.ndarray.NDList(dPos, dNeg), 0);
        NDArray logProbs = scores(q, d).logSoftmax(1);
        NDArray target = q.getManager().eye((int) b, (int) d.getShape().get(0), 0, DataType.FLOAT32)
                .toDevice(q.getDevice(), false);
        return Tensors.div(logProbs.mul(target).sum(), -b);
    }

    /**
     * The trainer's form: {@code d}'s first B rows (B = q's rows) are the positives, any further rows the
     * hard negatives (unsupervised SimCSE has none). A float32 scalar, differentiable in grad mode.
     */
    public NDArray loss(NDArray q, NDArray d) {
        long b = q.getShape().get(0);
        long rows = d.getShape().get(0);
        if (rows < b) {
            throw new IllegalArgumentException("d has " + rows + " rows, fewer than the " + b + " queries");
        }
        if (rows == b) {
            return loss(q, d, null);
        }
        return loss(q, d.get(new NDIndex(":{}", b)), d.get(new NDIndex("{}:", b)));
    }

    private static NDArray normalize(NDArray x) {
        NDArray x32 = Casts.to(x, DataType.FLOAT32);
        return x32.div(Tensors.maximum(x32.norm(new int[]{1}, true), EPS));
    }
}
