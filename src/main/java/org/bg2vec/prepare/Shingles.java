package org.bg2vec.prepare;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/** Word n-gram shingles of a text, for near-duplicate detection (MinHash over sets of shingles). */
public final class Shingles {

    private Shingles() {
    }

    /**
     * Distinct lower-cased word {@code n}-grams; a text with fewer than {@code n} words gives one shingle of all
     * its words, a text without words gives the text itself, so the set is never empty.
     */
    public static List<String> wordNgrams(String text, int n) {
        List<String> words = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        if (words.isEmpty()) {
            return List.of(text);
        }
        if (words.size() < n) {
            return List.of(String.join(" ", words));
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i + n <= words.size(); i++) {
            out.add(String.join(" ", words.subList(i, i + n)));
        }
        return new ArrayList<>(out);
    }
}
