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

    int[] get(String text, int start, int end) {
        int len = end - start;
        int h = hash(text, start, end);
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

    void put(String text, int start, int end, int[] value) {
        if (size >= MAX_WORDS) {
            Arrays.fill(words, null);
            Arrays.fill(tokens, null);
            size = 0;
        }
        int h = hash(text, start, end);
        int i = slot(h);
        while (words[i] != null) {
            i = (i + 1) & (CAPACITY - 1);
        }
        words[i] = text.substring(start, end);
        hashes[i] = h;
        tokens[i] = value;
        size++;
    }

    private static int hash(String text, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + text.charAt(i);
        }
        return h;
    }

    private static int slot(int h) {
        return (h ^ (h >>> 15)) * 0x9E3779B1 >>> 15 & (CAPACITY - 1);
    }
}
