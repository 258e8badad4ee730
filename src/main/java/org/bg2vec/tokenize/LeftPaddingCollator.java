package org.bg2vec.tokenize;

import java.util.List;

/**
 * Lays out rows of token ids the way LLM2Vec feeds them: left padding to the longest row with the
 * pad id (eos for Mistral/Llama), an attention mask over real tokens, and an embed (pooling) mask
 * over the last {@code n_i} tokens of row i (the text tokens).
 */
public final class LeftPaddingCollator {

    private LeftPaddingCollator() {
    }

    /**
     * @param rows         unpadded ids per row (BOS first where the tokenizer adds it)
     * @param pooledTokens per row, how many of its last tokens are pooled (clamped to the row length)
     * @param padId        id written into padding positions
     */
    public static TokenizedBatch collate(List<int[]> rows, int[] pooledTokens, long padId) {
        if (pooledTokens.length != rows.size()) {
            throw new IllegalArgumentException(rows.size() + " rows but " + pooledTokens.length + " pooled counts");
        }
        int length = 0;
        for (int[] r : rows) {
            length = Math.max(length, r.length);
        }
        int b = rows.size();
        long[] ids = new long[b * length];
        long[] attention = new long[b * length];
        long[] embed = new long[b * length];
        for (int i = 0; i < b; i++) {
            int[] r = rows.get(i);
            int pad = length - r.length;
            int base = i * length;
            for (int j = 0; j < pad; j++) {
                ids[base + j] = padId;
            }
            for (int j = 0; j < r.length; j++) {
                ids[base + pad + j] = r[j];
                attention[base + pad + j] = 1;
            }
            int pooled = Math.max(0, Math.min(pooledTokens[i], r.length));
            for (int j = length - pooled; j < length; j++) {
                embed[base + j] = 1;
            }
        }
        return new TokenizedBatch(b, length, ids, attention, embed);
    }

    /** Rows that start with {@code specialPrefix} special tokens (BOS): everything after them is pooled. */
    public static TokenizedBatch collateSkippingPrefix(List<int[]> rows, int specialPrefix, long padId) {
        int[] pooled = new int[rows.size()];
        for (int i = 0; i < pooled.length; i++) {
            pooled[i] = Math.max(0, rows.get(i).length - specialPrefix);
        }
        return collate(rows, pooled, padId);
    }
}
