package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Test stand-in for llm2vec's HardNegativeNLLLoss: scores = scale · cos(q_i, d_j), cross-entropy of
 * each row against its diagonal column (d = [positives; negatives]).
 */
final class CosineNllLoss implements ContrastiveLoss {

    private final float scale;

    CosineNllLoss(float scale) {
        this.scale = scale;
    }

    @Override
    public NDArray loss(NDArray q, NDArray d) {
        NDArray qn = q.div(q.norm(new int[]{1}, true).maximum(1e-12f));
        NDArray dn = d.div(d.norm(new int[]{1}, true).maximum(1e-12f));
        NDArray scores = qn.matMul(dn.transpose()).mul(scale);
        long rows = q.getShape().get(0);
        long cols = d.getShape().get(0);
        NDArray logProb = scores.logSoftmax(1);
        NDArray diagonal = q.getManager().eye((int) rows, (int) cols, 0, DataType.FLOAT32);
        return logProb.mul(diagonal).sum().neg().div(rows);
    }
}
