package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.Casts;
import org.bg2vec.djl.Tensors;
import org.bg2vec.tokenize.TokenizedBatch;

import java.util.Locale;

/**
 * The pooling modes of llm2vec 0.2.2 ({@code LLM2Vec.get_pooling}), for left-padded batches.
 *
 * <p>Each mode is a per-row weight vector over positions, applied as {@code Σ_t w[b,t]·h[b,t]} in float32:
 * <ul>
 *   <li>{@code mean}: 1/n on the pooling-mask tokens, where the pooling mask is the batch's embed mask
 *       (llm2vec's {@code skip_instruction=True}: text tokens only, no BOS, no instruction, no pads);</li>
 *   <li>{@code weighted_mean}: weights 1, 2, …, n over the pooling-mask tokens in order, normalised to sum 1;</li>
 *   <li>{@code eos_token} / {@code last_token}: the last position of the row (with left padding, the last
 *       token);</li>
 *   <li>{@code bos_token}: the position holding the BOS id (exactly one per row is required).</li>
 * </ul>
 *
 * <p>Difference from llm2vec's training path, on purpose: llm2vec's SimCSE collator tokenizes plain
 * texts without the instruction separator, so its {@code embed_mask} is all zeros and
 * {@code get_pooling} computes {@code last_hidden_states[i, -0:]}, i.e. the mean over <em>every</em>
 * position, pads and BOS included (a quirk, not a design). We always pool over the embed mask, in
 * training as in {@code encode()}; a row whose embed mask is empty pools to the zero vector.
 */
public enum Pooling {
    MEAN("mean"),
    WEIGHTED_MEAN("weighted_mean"),
    EOS_TOKEN("eos_token"),
    LAST_TOKEN("last_token"),
    BOS_TOKEN("bos_token");

    private final String llm2vecName;

    Pooling(String llm2vecName) {
        this.llm2vecName = llm2vecName;
    }

    /** The name llm2vec uses ({@code pooling_mode}). */
    public String llm2vecName() {
        return llm2vecName;
    }

    /** Parses an llm2vec pooling mode name ({@code mean}, {@code weighted_mean}, {@code eos_token}, ...). */
    public static Pooling parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Pooling p : values()) {
            if (p.llm2vecName.equals(n) || p.name().equalsIgnoreCase(n)) {
                return p;
            }
        }
        if (n.equals("eos")) {
            return EOS_TOKEN;
        }
        throw new IllegalArgumentException("unknown pooling mode '" + name
                + "' (mean, weighted_mean, eos_token, last_token, bos_token)");
    }

    /**
     * Pools {@code hidden} ([B, L, H], any float type) into float32 [B, H]; the result lives in
     * {@code hidden}'s manager.
     */
    public NDArray pool(NDArray hidden, TokenizedBatch batch, int bosTokenId) {
        int b = batch.batchSize();
        int l = batch.length();
        float[] w = weights(batch, bosTokenId);
        NDArray weights = Tensors.owned(hidden.getManager(), w, new Shape(b, l, 1)).toDevice(hidden.getDevice(), false);
        return Casts.to(hidden, DataType.FLOAT32).mul(weights).sum(new int[]{1});
    }

    /** The per-position weights, row-major [B * L]. */
    float[] weights(TokenizedBatch batch, int bosTokenId) {
        int b = batch.batchSize();
        int l = batch.length();
        long[] mask = batch.embedMask();
        float[] w = new float[b * l];
        for (int i = 0; i < b; i++) {
            int row = i * l;
            switch (this) {
                case MEAN -> {
                    int n = 0;
                    for (int t = 0; t < l; t++) {
                        n += mask[row + t] != 0 ? 1 : 0;
                    }
                    for (int t = 0; t < l; t++) {
                        w[row + t] = mask[row + t] != 0 ? 1f / n : 0f;
                    }
                }
                case WEIGHTED_MEAN -> {
                    double total = 0;
                    int k = 0;
                    for (int t = 0; t < l; t++) {
                        if (mask[row + t] != 0) {
                            total += ++k;
                        }
                    }
                    k = 0;
                    for (int t = 0; t < l; t++) {
                        if (mask[row + t] != 0) {
                            w[row + t] = (float) (++k / total);
                        }
                    }
                }
                case EOS_TOKEN, LAST_TOKEN -> w[row + l - 1] = l > 0 ? 1f : 0f;
                case BOS_TOKEN -> {
                    int found = -1;
                    for (int t = 0; t < l; t++) {
                        if (batch.inputIds()[row + t] == bosTokenId) {
                            if (found >= 0) {
                                throw new IllegalArgumentException("bos_token pooling: row " + i
                                        + " holds the BOS id " + bosTokenId + " more than once");
                            }
                            found = t;
                        }
                    }
                    if (found < 0) {
                        throw new IllegalArgumentException("bos_token pooling: row " + i + " has no BOS id "
                                + bosTokenId);
                    }
                    w[row + found] = 1f;
                }
                default -> throw new IllegalStateException(name());
            }
        }
        return w;
    }
}
