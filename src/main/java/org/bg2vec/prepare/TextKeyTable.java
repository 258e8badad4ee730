package org.bg2vec.prepare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Text key ({@link Dedup#textKey}) → the sample id {@link Dedup#keepsFirstOfSameText} keeps and the number of
 * samples with that text, in primitive arrays (open addressing). The job finds the duplicated texts with it: each
 * task combines its samples' (text key, sample id) pairs, sends each reduce partition its entries as one packed
 * array ({@link #packByPartition}), and the reduce side merges those ({@link #addPacked}) and keeps the texts with
 * more than one sample ({@link #duplicated}). Merging is order-independent, so every partitioning finds the same.
 */
public final class TextKeyTable {

    /** Longs per packed entry: text key, kept sample id, count. */
    static final int PACKED = 3;
    private long[] keys;
    private long[] winners;
    private long[] counts; // 0: empty slot
    private int size;

    public TextKeyTable() {
        allocate(1 << 10);
    }

    /** Adds {@code count} samples with this text, one of them (the one kept among them) with id {@code sampleId}. */
    public void add(long textKey, long sampleId, long count) {
        if (count <= 0) {
            throw new IllegalArgumentException("count " + count + " of text key " + textKey);
        }
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int i = slot(textKey);
        while (counts[i] != 0 && keys[i] != textKey) {
            i = (i + 1) & (keys.length - 1);
        }
        if (counts[i] == 0) {
            keys[i] = textKey;
            winners[i] = sampleId;
            counts[i] = count;
            size++;
        } else {
            winners[i] = Dedup.keepsFirstOfSameText(winners[i], sampleId) ? winners[i] : sampleId;
            counts[i] += count;
        }
    }

    /** Adds entries packed by {@link #packByPartition}. */
    public void addPacked(long[] packed) {
        if (packed.length % PACKED != 0) {
            throw new IllegalArgumentException("packed text keys of length " + packed.length);
        }
        for (int i = 0; i < packed.length; i += PACKED) {
            add(packed[i], packed[i + 1], packed[i + 2]);
        }
    }

    /** The reduce partition (of {@code partitions}) that merges a text key's entries. */
    public static int partitionOf(long textKey, int partitions) {
        return (int) Math.floorMod(textKey, (long) partitions);
    }

    /** The entries, packed (text key, kept id, count) per reduce partition ({@link #partitionOf}). */
    public long[][] packByPartition(int partitions) {
        int[] n = new int[partitions];
        for (int i = 0; i < keys.length; i++) {
            if (counts[i] != 0) {
                n[partitionOf(keys[i], partitions)] += PACKED;
            }
        }
        long[][] out = new long[partitions][];
        for (int p = 0; p < partitions; p++) {
            out[p] = new long[n[p]];
        }
        Arrays.fill(n, 0);
        for (int i = 0; i < keys.length; i++) {
            if (counts[i] != 0) {
                int p = partitionOf(keys[i], partitions);
                long[] o = out[p];
                o[n[p]++] = keys[i];
                o[n[p]++] = winners[i];
                o[n[p]++] = counts[i];
            }
        }
        return out;
    }

    /** The texts with more than one sample: (text key, kept sample id) pairs. */
    public List<long[]> duplicated() {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            if (counts[i] > 1) {
                out.add(new long[]{keys[i], winners[i]});
            }
        }
        return out;
    }

    /** Distinct texts. */
    public int size() {
        return size;
    }

    private int slot(long key) {
        return (int) (StableHash.mix(key) & (keys.length - 1));
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        winners = new long[capacity];
        counts = new long[capacity];
        size = 0;
    }

    private void grow() {
        long[] k = keys;
        long[] w = winners;
        long[] c = counts;
        allocate(keys.length * 2);
        for (int i = 0; i < k.length; i++) {
            if (c[i] != 0) {
                add(k[i], w[i], c[i]);
            }
        }
    }
}
