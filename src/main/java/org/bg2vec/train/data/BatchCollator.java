package org.bg2vec.train.data;

import org.bg2vec.tokenize.TokenizedBatch;

import java.util.List;

/**
 * Builds the {@link TokenizedBatch} of a micro-batch from unpadded LLM2Vec ids (BOS first, no EOS):
 * left padding to the longest row with {@code padId} (the model's eos id), attention mask 1 on
 * every real token, embed mask 1 on the real tokens except the BOS (LLM2Vec mean pooling skips it).
 */
public final class BatchCollator {

    private final long padId;

    public BatchCollator(long padId) {
        this.padId = padId;
    }

    public TokenizedBatch collate(List<int[]> rows) {
        int b = rows.size();
        int len = 0;
        for (int[] r : rows) {
            len = Math.max(len, r.length);
        }
        long[] ids = new long[b * len];
        long[] attention = new long[b * len];
        long[] embed = new long[b * len];
        for (int i = 0; i < b; i++) {
            int[] r = rows.get(i);
            int start = i * len + (len - r.length);
            java.util.Arrays.fill(ids, i * len, start, padId);
            for (int j = 0; j < r.length; j++) {
                ids[start + j] = r[j];
                attention[start + j] = 1;
                embed[start + j] = j == 0 ? 0 : 1;
            }
        }
        return new TokenizedBatch(b, len, ids, attention, embed);
    }
}
