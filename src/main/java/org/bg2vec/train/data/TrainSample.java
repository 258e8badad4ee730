package org.bg2vec.train.data;

/**
 * One prepared SimCSE sample: the token ids of its two views (LLM2Vec style: BOS first, no EOS,
 * unpadded). For unsupervised SimCSE both views usually hold the same text.
 */
public record TrainSample(long sampleId, int[] queryIds, int[] positiveIds) {

    /** Real tokens of both views. */
    public long tokens() {
        return (long) queryIds.length + positiveIds.length;
    }
}
