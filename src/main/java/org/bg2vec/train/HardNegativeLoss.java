package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import org.bg2vec.loss.HardNegativeNLLLoss;

/**
 * The trainer's {@link ContrastiveLoss} backed by llm2vec's {@link HardNegativeNLLLoss}: {@code d}'s
 * first {@code B} rows (B = q's rows) are the positives, any further rows the hard negatives.
 * Unsupervised SimCSE has none, so the loss is {@code HardNegativeNLLLoss.loss(q, d, null)}.
 */
public final class HardNegativeLoss implements ContrastiveLoss {

    private final HardNegativeNLLLoss loss;

    /** With llm2vec's {@code loss_scale} (the inverse temperature, 20 in the SimCSE recipe). */
    public HardNegativeLoss(double scale) {
        this.loss = new HardNegativeNLLLoss((float) scale);
    }

    @Override
    public NDArray loss(NDArray q, NDArray d) {
        long b = q.getShape().get(0);
        long rows = d.getShape().get(0);
        if (rows < b) {
            throw new IllegalArgumentException("d has " + rows + " rows, fewer than the " + b + " queries");
        }
        if (rows == b) {
            return loss.loss(q, d, null);
        }
        return loss.loss(q, d.get(new NDIndex(":{}", b)), d.get(new NDIndex("{}:", b)));
    }
}
