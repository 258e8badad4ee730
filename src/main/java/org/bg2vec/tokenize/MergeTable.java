package org.bg2vec.tokenize;

import java.util.Arrays;

/** (a, b) → (rank, new id), open addressing on a long key. */
final class MergeTable {
    private final long[] keys;
    private final long[] values;
    private final int mask;

    MergeTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2)) << 1;
        keys = new long[cap];
        values = new long[cap];
        Arrays.fill(keys, -1L);
        mask = cap - 1;
    }

    void put(int a, int b, int rank, int newId) {
        long key = ((long) a << 32) | (b & 0xffffffffL);
        int i = slot(key);
        while (keys[i] != -1L && keys[i] != key) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = ((long) rank << 32) | (newId & 0xffffffffL);
    }

    /** {@code rank << 32 | newId}, or -1 when the pair has no merge. */
    long get(int a, int b) {
        long key = ((long) a << 32) | (b & 0xffffffffL);
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == -1L) {
                return -1L;
            }
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    static int rank(long value) {
        return (int) (value >>> 32);
    }

    static int newId(long value) {
        return (int) value;
    }
}
