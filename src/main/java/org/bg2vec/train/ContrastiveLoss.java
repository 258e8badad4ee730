package org.bg2vec.train;

import ai.djl.ndarray.NDArray;

/**
 * A contrastive loss over pooled embeddings of a whole global batch.
 *
 * <p>{@code q} is {@code [B, H]} (first view), {@code d} is {@code [B + N, H]}: the second view
 * (positives, row i pairs with q row i) followed by optional hard negatives. The result is a
 * float32 scalar that is differentiable when grad mode is on (the trainer back-propagates it into
 * {@code q} and {@code d}). Implementations must be deterministic (no RNG) so that every worker
 * computes the identical global loss. llm2vec's {@code HardNegativeNLLLoss} (scale × cosine
 * similarity, cross-entropy against the diagonal) is the one SimCSE uses.
 */
public interface ContrastiveLoss {

    NDArray loss(NDArray q, NDArray d);
}
