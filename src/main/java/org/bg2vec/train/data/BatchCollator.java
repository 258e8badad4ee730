package org.bg2vec.train.data;

import org.bg2vec.tokenize.LeftPaddingCollator;
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
        return LeftPaddingCollator.collateSkippingPrefix(rows, 1, padId); // the one special prefix token: BOS
    }
}
