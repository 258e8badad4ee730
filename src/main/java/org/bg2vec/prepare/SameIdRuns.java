package org.bg2vec.prepare;

import java.util.HashSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Encoded samples ({@link OutcomeCodec}) in an order that puts samples with the same id next to each other (the
 * shard order does: it sorts by a hash of the id, then the id), with each run of one id reduced to the sample
 * {@link Dedup#sameIdWinner} keeps. Counts the samples it dropped for their id: one per distinct text of a run
 * but the kept one (samples of one id and the same text are exact duplicates: the job counts those as such).
 */
public final class SameIdRuns implements Iterator<byte[]> {

    private final Iterator<byte[]> sorted;
    private byte[] next;
    private long dropped;

    public SameIdRuns(Iterator<byte[]> sorted) {
        this.sorted = sorted;
        this.next = sorted.hasNext() ? sorted.next() : null;
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public byte[] next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        byte[] winner = next;
        long id = OutcomeCodec.sampleId(winner);
        next = null;
        Set<Long> texts = null;
        while (sorted.hasNext()) {
            byte[] b = sorted.next();
            if (OutcomeCodec.sampleId(b) != id) {
                next = b;
                break;
            }
            if (texts == null) {
                texts = new HashSet<>();
                texts.add(OutcomeCodec.textKey(winner));
            }
            texts.add(OutcomeCodec.textKey(b));
            winner = sameIdWinner(winner, b);
        }
        if (texts != null) {
            dropped += texts.size() - 1;
        }
        return winner;
    }

    /** Samples dropped so far because another sample with their id (and another text) was kept. */
    public long dropped() {
        return dropped;
    }

    /** {@link Dedup#sameIdWinner} of two encoded samples (rare: only two inputs with the same page id). */
    public static byte[] sameIdWinner(byte[] a, byte[] b) {
        Sample sa = (Sample) OutcomeCodec.decode(a);
        return Dedup.sameIdWinner(sa, (Sample) OutcomeCodec.decode(b)) == sa ? a : b;
    }
}
