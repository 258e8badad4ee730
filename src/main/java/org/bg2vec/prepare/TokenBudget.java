package org.bg2vec.prepare;

import org.bg2vec.tokenize.Llm2VecTokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a text to the longest prefix that fits a token budget, at a word boundary when there is one, so that
 * a sample's text and its ids always agree: {@code encodeIds(cut)} is exactly what the sample stores. Long
 * texts are never tokenized whole: a prefix of a few characters per token is tried first.
 */
public final class TokenBudget {

    /** Characters per token assumed when pre-cutting a long text (generous: Cyrillic averages ~2–4). */
    private static final int CHARS_PER_TOKEN = 12;

    private final Llm2VecTokenizer tokenizer;
    private final int textBudget;

    /** @param tokenizer its {@code maxLength()} (BOS included) is the budget */
    public TokenBudget(Llm2VecTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.textBudget = tokenizer.maxLength() - tokenizer.specialPrefixLength();
    }

    /** Text tokens a sample may hold (max length minus BOS). */
    public int textBudget() {
        return textBudget;
    }

    /** Whether the whole text fits. */
    public boolean fits(String text) {
        return tokenizer.countTokens(text) <= textBudget;
    }

    /**
     * The longest prefix of {@code text} (stripped) whose tokens fit the budget, cut before a whitespace when
     * the first word fits, else inside the first word at a code point boundary. Returns the text itself when
     * it fits.
     */
    public String cut(String text) {
        int window = textBudget * CHARS_PER_TOKEN;
        while (true) {
            if (text.length() <= window) {
                return fits(text) ? text : search(text);
            }
            String head = text.substring(0, boundaryAtOrBefore(text, window));
            if (!fits(head)) {
                return search(head);
            }
            window *= 2;
        }
    }

    /** Binary search of the longest fitting prefix of a text known not to fit. */
    private String search(String text) {
        List<Integer> cuts = new ArrayList<>();
        for (int i = 1; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i)) && !Character.isWhitespace(text.charAt(i - 1))) {
                cuts.add(i);
            }
        }
        int best = longestFitting(text, cuts);
        if (best >= 0) {
            return text.substring(0, best).strip();
        }
        // the first word alone does not fit: cut it at a code point boundary
        List<Integer> chars = new ArrayList<>();
        int end = cuts.isEmpty() ? text.length() : cuts.get(0);
        for (int i = 1; i < end; i++) {
            if (!Character.isLowSurrogate(text.charAt(i))) {
                chars.add(i);
            }
        }
        best = longestFitting(text, chars);
        return best >= 0 ? text.substring(0, best) : "";
    }

    /**
     * Largest cut position whose prefix fits (assuming token counts grow with the prefix), or -1. Starts from
     * a proportional guess (the whole text's token count is known to exceed the budget) and brackets it, so a
     * cut usually costs a handful of short encodings.
     */
    private int longestFitting(String text, List<Integer> cuts) {
        if (cuts.isEmpty()) {
            return -1;
        }
        int total = tokenizer.countTokens(text);
        int guess = (int) Math.min(cuts.size() - 1L, (long) cuts.size() * textBudget / Math.max(1, total));
        int step = Math.max(1, cuts.size() / 16);
        int lo;
        int hi;
        if (fits(text.substring(0, cuts.get(guess)))) {
            lo = guess;
            hi = guess + step;
            while (hi < cuts.size() && fits(text.substring(0, cuts.get(hi)))) {
                lo = hi;
                hi += step;
            }
            hi = Math.min(hi, cuts.size()) - 1;
            return cuts.get(bisect(text, cuts, lo + 1, hi, lo));
        }
        hi = guess - 1;
        lo = guess - step;
        while (lo >= 0 && !fits(text.substring(0, cuts.get(lo)))) {
            hi = lo - 1;
            lo -= step;
        }
        if (lo < 0) {
            int first = bisect(text, cuts, 0, hi, -1);
            return first < 0 ? -1 : cuts.get(first);
        }
        return cuts.get(bisect(text, cuts, lo + 1, hi, lo));
    }

    /** Largest index in [lo, hi] whose prefix fits, else {@code known} (an index known to fit, or -1). */
    private int bisect(String text, List<Integer> cuts, int lo, int hi, int known) {
        int best = known;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (fits(text.substring(0, cuts.get(mid)))) {
                best = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    private static int boundaryAtOrBefore(String text, int at) {
        for (int i = at; i > at / 2; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return Character.isLowSurrogate(text.charAt(at)) ? at - 1 : at;
    }
}
