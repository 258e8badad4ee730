package org.bg2vec.tokenize;

import java.util.Arrays;

/**
 * A batch of token ids laid out as LLM2Vec feeds them: left-padded to a common length, row-major.
 *
 * @param batchSize     number of rows
 * @param length        padded length of every row
 * @param inputIds      [batchSize * length] token ids; pads hold the pad id (eos for Mistral/Llama)
 * @param attentionMask [batchSize * length] 1 on real tokens (BOS included), 0 on pads
 * @param embedMask     [batchSize * length] 1 on the tokens that are pooled (text tokens: no BOS,
 *                      no pads, no instruction), 0 elsewhere
 */
public record TokenizedBatch(int batchSize, int length, long[] inputIds, long[] attentionMask, long[] embedMask) {

    public TokenizedBatch {
        if (batchSize < 0 || length < 0) {
            throw new IllegalArgumentException("negative batch shape " + batchSize + "x" + length);
        }
        int n = Math.multiplyExact(batchSize, length);
        if (inputIds.length != n || attentionMask.length != n || embedMask.length != n) {
            throw new IllegalArgumentException("batch " + batchSize + "x" + length + " needs " + n
                    + " entries per array, got ids=" + inputIds.length + " attention=" + attentionMask.length
                    + " embed=" + embedMask.length);
        }
    }

    /** Total number of real tokens in the batch. */
    public long totalRealTokens() {
        long c = 0;
        for (long v : attentionMask) {
            c += v;
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedBatch b && b.batchSize == batchSize && b.length == length
                && Arrays.equals(b.inputIds, inputIds) && Arrays.equals(b.attentionMask, attentionMask)
                && Arrays.equals(b.embedMask, embedMask);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(inputIds) + Arrays.hashCode(attentionMask)) + Arrays.hashCode(embedMask);
    }

    @Override
    public String toString() {
        return "TokenizedBatch[" + batchSize + "x" + length + "]";
    }
}
