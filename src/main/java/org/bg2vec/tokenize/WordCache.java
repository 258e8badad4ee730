package org.bg2vec.tokenize;

import java.util.Arrays;

/**
 * Words (text regions) → tokens, open addressing without creating a string per lookup; emptied when full (the
 * frequent words come back at once). Each slot keeps its word's hash, so a probe compares characters only when
 * the hashes agree (Cyrillic words are UTF-16 strings: comparing them costs more than comparing an int).
 */
final class WordCache {
    private static final int CAPACITY = 1 << 17;
    private static final int MAX_WORDS = CAPACITY / 2;
    private final String[] words = new String[CAPACITY];
    private final int[] hashes = new int[CAPACITY];
    private final int[][] tokens = new int[CAPACITY][];
    private int size;

    /** The tokens of {@code text[start, end)}, whose {@link #hash} is {@code h}, or null. */
    int[] get(String text, int start, int end, int h) {
        int len = end - start;
        for (int i = slot(h); ; i = (i + 1) & (CAPACITY - 1)) {
            String w = words[i];
            if (w == null) {
                return null;
            }
            if (hashes[i] == h && w.length() == len && w.regionMatches(0, text, start, len)) {
                return tokens[i];
            }
        }
    }

    /** Caches the tokens of {@code text[start, end)}, whose {@link #hash} is {@code h}. */
    void put(String text, int start, int end, int h, int[] value) {
        if (size >= MAX_WORDS) {
            Arrays.fill(words, null);
            Arrays.fill(tokens, null);
            size = 0;
        }
        int i = slot(h);
        while (words[i] != null) {
            i = (i + 1) & (CAPACITY - 1);
        }
        words[i] = text.substring(start, end);
        hashes[i] = h;
        tokens[i] = value;
        size++;
    }

    /**
     * A word's hash, one character at a time: start from 0, then {@code h = hash(h, c)} for each character
     * ({@link String#hashCode}'s polynomial).
     */
    static int hash(int h, char c) {
        return 31 * h + c;
    }

    private static int slot(int h) {
        return (h ^ (h >>> 15)) * 0x9E3779B1 >>> 15 & (CAPACITY - 1);
    }
}
