package org.bg2vec.mntp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.tokenize.TokenizedBatch;
import org.bg2vec.train.data.BatchCollator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MNTP collator: selection rate, what is never selected, labels, corruption kinds, determinism, mask ids. */
class MaskingTest {

    static final int VOCAB = 500;
    static final int BOS = 1;
    static final int EOS = 2;
    static final int MASK = 7;
    static final int[] SPECIAL = {0, BOS, EOS};

    /** Rows of BOS + random ids in [3, VOCAB), some with an EOS in the middle. */
    static List<int[]> rows(int n, int maxLen, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] ids = new int[2 + rnd.nextInt(maxLen - 1)];
            ids[0] = BOS;
            for (int j = 1; j < ids.length; j++) {
                ids[j] = rnd.nextInt(10) == 0 ? EOS : 3 + rnd.nextInt(VOCAB - 3);
            }
            out.add(ids);
        }
        return out;
    }

    static long[] keys(int n, long base) {
        long[] k = new long[n];
        for (int i = 0; i < n; i++) {
            k[i] = base * 1000 + i;
        }
        return k;
    }

    @Test
    void selectsEligibleTokensAtTheConfiguredRateAndLabelsThemWithTheOriginalIds() {
        for (double p : new double[]{0.15, 0.8}) {
            TokenizedBatch batch = new BatchCollator(EOS).collate(rows(400, 40, 5));
            Masking.MaskedBatch masked = new Masking(CollatorType.ALL_MASK, p, MASK, VOCAB, SPECIAL)
                    .apply(batch, keys(400, 1));
            long eligible = 0;
            long selected = 0;
            for (int i = 0; i < batch.inputIds().length; i++) {
                long id = batch.inputIds()[i];
                boolean canSelect = batch.attentionMask()[i] == 1 && id != BOS && id != EOS;
                long label = masked.labels()[i];
                eligible += canSelect ? 1 : 0;
                if (label == Masking.IGNORE) {
                    assertEquals(id, masked.inputs().inputIds()[i], "unselected tokens stay");
                } else {
                    assertTrue(canSelect, "position " + i + " (id " + id + ", attention "
                            + batch.attentionMask()[i] + ") must never be selected");
                    assertEquals(id, label, "label = original id");
                    assertEquals(MASK, masked.inputs().inputIds()[i], "all_mask writes the mask id");
                    selected++;
                }
            }
            assertEquals(selected, masked.labelled());
            double sigma = Math.sqrt(eligible * p * (1 - p));
            assertTrue(Math.abs(selected - eligible * p) < 4 * sigma, "p=" + p + ": " + selected + " of " + eligible);
            assertArrayEquals(batch.attentionMask(), masked.inputs().attentionMask());
        }
    }

    @Test
    void defaultCollatorMasksEightyPercentRandomizesTenAndKeepsTen() {
        TokenizedBatch batch = new BatchCollator(EOS).collate(rows(600, 40, 9));
        Masking.MaskedBatch masked = new Masking(CollatorType.DEFAULT, 0.5, MASK, VOCAB, SPECIAL)
                .apply(batch, keys(600, 2));
        long mask = 0;
        long kept = 0;
        long other = 0;
        for (int i = 0; i < batch.inputIds().length; i++) {
            if (masked.labels()[i] == Masking.IGNORE) {
                continue;
            }
            long now = masked.inputs().inputIds()[i];
            if (now == MASK && batch.inputIds()[i] != MASK) {
                mask++;
            } else if (now == batch.inputIds()[i]) {
                kept++;
            } else {
                other++;
                assertTrue(now >= 0 && now < VOCAB);
            }
        }
        long n = masked.labelled();
        assertTrue(n > 4000, "enough selections: " + n);
        assertEquals(0.8, mask / (double) n, 0.03);
        // a random replacement can hit the original id (1/VOCAB): counted as kept
        assertEquals(0.1, kept / (double) n, 0.02);
        assertEquals(0.1, other / (double) n, 0.02);
    }

    @Test
    void aRowsMaskDependsOnlyOnItsKeyNotOnPaddingOrNeighbours() {
        List<int[]> rows = rows(6, 30, 3);
        Masking masking = new Masking(CollatorType.ALL_MASK, 0.5, MASK, VOCAB, SPECIAL);
        BatchCollator collator = new BatchCollator(EOS);
        Masking.MaskedBatch all = masking.apply(collator.collate(rows), keys(6, 4));
        Masking.MaskedBatch again = masking.apply(collator.collate(rows), keys(6, 4));
        assertArrayEquals(all.labels(), again.labels(), "same keys, same masks");
        assertFalse(Arrays.equals(all.labels(), masking.apply(collator.collate(rows), keys(6, 5)).labels()),
                "other keys (another step), other masks");
        for (int r = 0; r < rows.size(); r++) {
            Masking.MaskedBatch alone = masking.apply(collator.collate(List.of(rows.get(r))), new long[]{keys(6, 4)[r]});
            assertArrayEquals(tail(alone.labels(), alone.inputs().length(), 0, rows.get(r).length),
                    tail(all.labels(), all.inputs().length(), r, rows.get(r).length), "row " + r);
        }
    }

    /** The last {@code n} labels of row {@code r} (left padding: the real tokens). */
    private static long[] tail(long[] labels, int length, int r, int n) {
        return Arrays.copyOfRange(labels, (r + 1) * length - n, (r + 1) * length);
    }

    @Test
    void maskTokenIdsComeFromTokenizerJson() throws Exception {
        Path tok = Paths.get(MaskingTest.class.getResource("/tokenizers/llama2/tokenizer.json").toURI());
        JsonNode json = new ObjectMapper().readTree(tok.toFile());
        // hand-checked in the file: model.vocab["_"] = 28730; added special tokens <unk> 0, <s> 1, </s> 2
        assertEquals(28730, MaskTokenType.BLANK.resolve(json, 2, "t"));
        assertEquals(2, MaskTokenType.EOS.resolve(json, 2, "t"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskTokenType.MASK.resolve(json, 2, "llama2/tokenizer.json"));
        assertTrue(e.getMessage().contains("llama2/tokenizer.json has no '<mask>'"), e.getMessage());
        MistralConfig model = new MistralConfig(32000, 64, 128, 1, 4, 2, 1e-5, 1e4, 512, 1, 2, null, 0, null);
        Masking m = Masking.of(json, "t", model, CollatorType.ALL_MASK, 0.8, MaskTokenType.BLANK);
        assertEquals(28730, m.maskId());
        assertArrayEquals(new int[]{0, 1, 2, 28730}, m.specialIds(), "HF's special tokens, the mask token among them");
    }

    @Test
    void rejectsProbabilitiesOutsideTheUnitInterval() {
        assertThrows(IllegalArgumentException.class, () -> new Masking(CollatorType.ALL_MASK, 0, MASK, VOCAB, SPECIAL));
        assertThrows(IllegalArgumentException.class, () -> new Masking(CollatorType.ALL_MASK, 1.5, MASK, VOCAB, SPECIAL));
        assertThrows(IllegalArgumentException.class, () -> CollatorType.parse("whole_word"));
    }
}
