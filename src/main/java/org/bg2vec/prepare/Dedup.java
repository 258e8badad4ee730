package org.bg2vec.prepare;

/**
 * The exact de-duplication rules, applied by the job to groups of samples: samples with the same text
 * ({@link #textKey}) keep the one with the smallest sample id; then samples with the same id (the same page id
 * in two inputs, with different texts) keep one by {@link #sameIdWinner}. Both choices are deterministic and
 * independent of the order in which a group's samples arrive, so every partitioning keeps the same samples.
 */
public final class Dedup {

    private Dedup() {
    }

    /** The key of identical texts. */
    public static long textKey(Sample s) {
        return StableHash.textHash(s.text());
    }

    /** Of two samples with the same text, the one with the smaller sample id. */
    public static Sample sameTextWinner(Sample a, Sample b) {
        return keepsFirstOfSameText(a.sampleId(), b.sampleId()) ? a : b;
    }

    /** Whether, of two samples with the same text and these ids, the first is kept. */
    public static boolean keepsFirstOfSameText(long sampleIdA, long sampleIdB) {
        return sampleIdA <= sampleIdB;
    }

    /** Of two samples with the same id and different texts, the one with the smaller text hash, then title. */
    public static Sample sameIdWinner(Sample a, Sample b) {
        int c = Long.compare(textKey(a), textKey(b));
        return c < 0 || (c == 0 && a.title().compareTo(b.title()) <= 0) ? a : b;
    }
}
