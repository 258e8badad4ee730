package org.bg2vec.tokenize;

import java.util.Arrays;

/**
 * Words (text regions) → tokens, open addressing without creating a string per lookup; emptied when full (the
 * frequent words come back at once). A slot holds its word's hash and where its entry starts in one flat
 * {@code int} pool: the word's length and characters, then its token count, ids and starts, next to each other.
 * A lookup so touches the slot and one pool region (a word kept as a {@code String} with an {@code int[]} of tokens
 * cost three dependent memory reads more, the larger part of the tokenizer's time on a large dump), and compares
 * characters only when the hashes agree.
 */
final class WordCache {
    private static final int CAPACITY = 1 << 17;
    private static final int MAX_WORDS = CAPACITY / 2;
    private static final int POOL = 1 << 20;
    /** slot i: {@code slots[2i]} the hash, {@code slots[2i + 1]} the entry's pool offset + 1 (0: empty) */
    private final int[] slots = new int[2 * CAPACITY];
    private final int[] pool = new int[POOL];
    private int used;
    private int size;

    /**
     * Where the tokens of {@code text[start, end)} ({@code first}: as a text's first word), whose {@link #hash} is
     * {@code h}, are in {@link #pool()}: at the returned offset the count {@code n}, then {@code n} ids, then
     * {@code n} starts relative to the word; -1 when the word is not cached.
     */
    int find(String text, int start, int end, int h, boolean first) {
        int len = end - start;
        int key = lengthKey(len, first);
        for (int i = slot(h); ; i = (i + 1) & (CAPACITY - 1)) {
            int entry = slots[2 * i + 1] - 1;
            if (entry < 0) {
                return -1;
            }
            if (slots[2 * i] == h && pool[entry] == key && sameChars(entry + 1, text, start, len)) {
                return entry + 1 + len;
            }
        }
    }

    /** The pool {@link #find} points into. */
    int[] pool() {
        return pool;
    }

    /**
     * Caches the tokens of {@code text[start, end)} ({@code first}: as a text's first word), whose {@link #hash} is
     * {@code h}: {@code tokens} holds their {@code n} ids, then their {@code n} starts relative to the word.
     */
    void put(String text, int start, int end, int h, boolean first, int[] tokens) {
        int len = end - start;
        int need = 2 + len + tokens.length;
        if (need > POOL / 8) {
            return; // a "word" this long (no spaces) is not worth a cache entry
        }
        if (size >= MAX_WORDS || used + need > POOL) {
            Arrays.fill(slots, 0);
            used = 0;
            size = 0;
        }
        int i = slot(h);
        while (slots[2 * i + 1] != 0) {
            i = (i + 1) & (CAPACITY - 1);
        }
        int entry = used;
        pool[entry] = lengthKey(len, first);
        for (int k = 0; k < len; k++) {
            pool[entry + 1 + k] = text.charAt(start + k);
        }
        pool[entry + 1 + len] = tokens.length / 2;
        System.arraycopy(tokens, 0, pool, entry + 2 + len, tokens.length);
        used += need;
        slots[2 * i] = h;
        slots[2 * i + 1] = entry + 1;
        size++;
    }

    private boolean sameChars(int at, String text, int start, int len) {
        for (int k = 0; k < len; k++) {
            if (pool[at + k] != text.charAt(start + k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A word's hash, one character at a time: start from 0, then {@code h = hash(h, c)} for each character
     * ({@link String#hashCode}'s polynomial).
     */
    static int hash(int h, char c) {
        return 31 * h + c;
    }

    /**
     * What an entry stores for its word's length: the length, or {@code -1 - length} for a text's first word, which
     * BPE encodes after a ▁ of its own (the same characters later in a text are another entry).
     */
    private static int lengthKey(int len, boolean first) {
        return first ? -1 - len : len;
    }

    private static int slot(int h) {
        return (h ^ (h >>> 15)) * 0x9E3779B1 >>> 15 & (CAPACITY - 1);
    }
}
