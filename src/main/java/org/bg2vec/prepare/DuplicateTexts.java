package org.bg2vec.prepare;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The texts ({@link Dedup#textKey}) that more than one sample has, each with the sample id that
 * {@link Dedup#keepsFirstOfSameText} keeps: small (one entry per duplicated text, 16 bytes), so the job finds
 * them from a shuffle of (text key, sample id) pairs, sends them to every task and filters the samples on the
 * way to the shard shuffle, instead of shuffling every sample by its text.
 */
public final class DuplicateTexts implements Serializable {

    private static final long serialVersionUID = 1L;
    private final long[] keys;
    private final long[] winners;

    private DuplicateTexts(long[] keys, long[] winners) {
        this.keys = keys;
        this.winners = winners;
    }

    /** From (text key, winning sample id) pairs with distinct keys, in any order. */
    public static DuplicateTexts of(List<long[]> keyAndWinner) {
        long[][] sorted = keyAndWinner.toArray(new long[0][]);
        Arrays.sort(sorted, (a, b) -> Long.compare(a[0], b[0]));
        long[] keys = new long[sorted.length];
        long[] winners = new long[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            keys[i] = sorted[i][0];
            winners[i] = sorted[i][1];
            if (i > 0 && keys[i] == keys[i - 1]) {
                throw new IllegalArgumentException("text key " + keys[i] + " listed twice");
            }
        }
        return new DuplicateTexts(keys, winners);
    }

    /**
     * Whether a sample survives exact de-duplication by text: its text is not duplicated, or it is the kept
     * sample's id (two samples with that id and text both survive here; {@link SameIdRuns} keeps one).
     */
    public boolean keeps(long textKey, long sampleId) {
        int i = Arrays.binarySearch(keys, textKey);
        return i < 0 || winners[i] == sampleId;
    }

    /** Texts held by more than one sample. */
    public int size() {
        return keys.length;
    }
}
