package org.bg2vec.mntp;

import com.fasterxml.jackson.databind.JsonNode;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.tokenize.TokenizedBatch;

import java.util.Arrays;
import java.util.TreeSet;
import java.util.SplittableRandom;

/**
 * The MNTP data collator: selects each real, non-special token of a batch with probability
 * {@code probability}, corrupts the selected ones as {@link CollatorType} says, and labels them with their
 * original id ({@link #IGNORE} elsewhere). Special tokens (BOS, EOS, the pad id, the tokenizer's special
 * added tokens) and padding are never selected.
 *
 * <p>Row {@code i} draws from a {@link SplittableRandom} keyed by {@code rowKeys[i]}, visiting its real
 * tokens in order, so a row's masking depends only on its key and its own ids: not on the padding, the
 * micro-batch or the worker that holds it.
 *
 * @param type        all_mask or HF's default 80/10/10
 * @param probability selection probability per eligible token (llm2vec's {@code mlm_probability})
 * @param maskId      the id written at masked positions
 * @param vocabSize   random replacements (default collator) are drawn from {@code [0, vocabSize)}
 * @param specialIds  sorted ids that are never selected
 */
public record Masking(CollatorType type, double probability, int maskId, int vocabSize, int[] specialIds) {

    /** The label of a position that carries no loss (PyTorch's {@code ignore_index}). */
    public static final long IGNORE = -100;

    public Masking {
        if (!(probability > 0 && probability <= 1)) {
            throw new IllegalArgumentException("mlm_probability must be in (0, 1], got " + probability);
        }
        if (maskId < 0 || maskId >= vocabSize) {
            throw new IllegalArgumentException("mask token id " + maskId + " is outside the vocabulary of "
                    + vocabSize);
        }
        specialIds = specialIds.clone();
        Arrays.sort(specialIds);
    }

    /**
     * The masking of {@code model} with {@code tokenizer} (a parsed {@code tokenizer.json}, named {@code source}
     * in errors): the mask id looked up as {@code maskToken} says; never selected are the model's BOS, EOS and
     * pad ids, the tokenizer's added tokens marked {@code special} and the mask token itself (Hugging Face's
     * special-tokens mask once llm2vec has set the tokenizer's {@code mask_token}).
     */
    public static Masking of(JsonNode tokenizer, String source, MistralConfig model, CollatorType type,
                             double probability, MaskTokenType maskToken) {
        TreeSet<Integer> special = new TreeSet<>();
        special.add(model.bosTokenId());
        special.add(model.eosTokenId());
        if (model.padTokenId() != null) {
            special.add(model.padTokenId());
        }
        for (JsonNode t : tokenizer.path("added_tokens")) {
            if (t.path("special").asBoolean(false)) {
                special.add(t.path("id").asInt());
            }
        }
        int maskId = maskToken.resolve(tokenizer, model.eosTokenId(), source);
        special.add(maskId); // llm2vec makes it the tokenizer's mask_token, hence one of HF's special tokens
        return new Masking(type, probability, maskId, model.vocabSize(),
                special.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A corrupted batch and its labels ([B·L], {@link #IGNORE} where no loss applies). */
    public record MaskedBatch(TokenizedBatch inputs, long[] labels, int labelled) {
    }

    /** Masks {@code batch}; {@code rowKeys[i]} keys row i's random draws. */
    public MaskedBatch apply(TokenizedBatch batch, long[] rowKeys) {
        if (rowKeys.length != batch.batchSize()) {
            throw new IllegalArgumentException(rowKeys.length + " row keys for " + batch.batchSize() + " rows");
        }
        int l = batch.length();
        long[] ids = batch.inputIds().clone();
        long[] labels = new long[ids.length];
        Arrays.fill(labels, IGNORE);
        int labelled = 0;
        for (int row = 0; row < batch.batchSize(); row++) {
            SplittableRandom rnd = new SplittableRandom(rowKeys[row]);
            for (int i = row * l; i < (row + 1) * l; i++) {
                if (batch.attentionMask()[i] == 0 || isSpecial(ids[i]) || rnd.nextDouble() >= probability) {
                    continue;
                }
                labels[i] = ids[i];
                labelled++;
                ids[i] = corrupt(ids[i], rnd);
            }
        }
        return new MaskedBatch(new TokenizedBatch(batch.batchSize(), l, ids, batch.attentionMask(),
                batch.embedMask()), labels, labelled);
    }

    private long corrupt(long original, SplittableRandom rnd) {
        if (type == CollatorType.ALL_MASK) {
            return maskId;
        }
        double u = rnd.nextDouble();
        return u < 0.8 ? maskId : u < 0.9 ? rnd.nextInt(vocabSize) : original;
    }

    private boolean isSpecial(long id) {
        return Arrays.binarySearch(specialIds, (int) id) >= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Masking m && m.type == type && m.probability == probability && m.maskId == maskId
                && m.vocabSize == vocabSize && Arrays.equals(m.specialIds, specialIds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(specialIds) * 31 + Double.hashCode(probability) + maskId;
    }

    @Override
    public String toString() {
        return "Masking[" + type + ", p=" + probability + ", mask=" + maskId + ", special="
                + Arrays.toString(specialIds) + "]";
    }
}
