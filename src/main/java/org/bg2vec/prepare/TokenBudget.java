package org.bg2vec.prepare;

import org.bg2vec.tokenize.Llm2VecTokenizer;

/**
 * Cuts a text to a prefix that fits a token budget, at a word boundary when there is one, so that a sample's text
 * and its ids always agree: the ids returned are exactly {@code encodeIds(text)}. Long texts are never tokenized
 * whole: the cut is guessed from a characters-per-token ratio and corrected from the token counts of the guesses
 * (usually two or three encodings of about budget size). The prefix returned is the longest one that fits or
 * within {@link #slack()} tokens of the budget. The result depends only on the text (the ratio starts from the
 * same constant for every text), never on what the task cut before: outputs must not depend on partitioning.
 *
 * <p>Tokenization dominates the cost of {@code prepare} (about 1 µs per character with DJL's HF tokenizer for a
 * Llama/Mistral-style tokenizer on one core), hence the effort to encode as little text as possible.
 */
public final class TokenBudget {

    /** A prefix and its LLM2Vec ids (special prefix first). */
    public record Cut(String text, int[] ids) {
    }

    private static final int MAX_ROUNDS = 12;

    private final Llm2VecTokenizer tokenizer;
    private final int prefix;
    private final int maxIds;
    private final int budget;
    private final int slack;
    /** characters per token assumed for the first guess of every cut */
    private static final double INITIAL_RATIO = 3.0;

    /**
     * @param unbounded a tokenizer whose own max length is far above {@code maxIds}, so that its encodings are
     *                  never truncated and give true token counts
     * @param maxIds    ids per sample at most, special prefix (BOS) included
     */
    public TokenBudget(Llm2VecTokenizer unbounded, int maxIds) {
        if (unbounded.maxLength() < maxIds * 4) {
            throw new IllegalArgumentException("the counting tokenizer must not truncate: max length "
                    + unbounded.maxLength() + " for a budget of " + maxIds);
        }
        this.tokenizer = unbounded;
        this.prefix = unbounded.specialPrefixLength();
        this.maxIds = maxIds;
        this.budget = maxIds - prefix;
        this.slack = Math.max(1, budget / 32);
    }

    /** Text tokens a sample may hold (max ids minus BOS). */
    public int textBudget() {
        return budget;
    }

    /** Tokens the cut may stay below the budget when the exact longest prefix would need more encodings. */
    public int slack() {
        return slack;
    }

    /** LLM2Vec ids of a text, untruncated. */
    public int[] ids(String text) {
        return tokenizer.encodeIds(text);
    }

    /** Text tokens of a text (BOS excluded). */
    public int count(String text) {
        return ids(text).length - prefix;
    }

    /** A prefix of {@code text} that fits, with its ids; the text itself when it fits; empty for an empty text. */
    public Cut cut(String text) {
        if (text.isEmpty()) {
            return new Cut("", ids(""));
        }
        int lo = 0;               // longest prefix length known to fit (0: none yet)
        int[] loIds = null;
        int hi = text.length() + 1; // shortest prefix length known not to fit
        double ratio = INITIAL_RATIO;
        int len = Math.min(text.length(), boundaryAtOrBefore(text, (int) Math.ceil(budget * ratio * 1.05)));
        for (int round = 0; round < MAX_ROUNDS && len > lo && len < hi; round++) {
            int[] ids = ids(text.substring(0, len));
            int n = ids.length - prefix;
            if (n > 0) {
                ratio = (double) len / n;
            }
            if (n <= budget) {
                lo = len;
                loIds = ids;
                if (len == text.length() || budget - n <= slack) {
                    break;
                }
                int guess = len + (int) Math.max(1, (budget - n) * ratio * 0.9);
                len = between(text, lo, hi, guess);
            } else {
                hi = len;
                int guess = len - (int) Math.max(1, (n - budget) * ratio * 1.1);
                len = between(text, lo, hi, guess);
            }
        }
        if (loIds != null) {
            return new Cut(text.substring(0, lo), loIds);
        }
        return cutInsideFirstWord(text);
    }

    /** A word boundary strictly between lo and hi, as close to guess as possible; lo when there is none. */
    private static int between(String text, int lo, int hi, int guess) {
        int g = Math.max(lo + 1, Math.min(hi - 1, guess));
        for (int i = g; i > lo; i--) {
            if (isBoundary(text, i)) {
                return i;
            }
        }
        for (int i = g + 1; i < hi; i++) {
            if (isBoundary(text, i)) {
                return i;
            }
        }
        return lo;
    }

    /** A cut before a whitespace that follows a non-whitespace, or the end. */
    private static boolean isBoundary(String text, int i) {
        return i == text.length()
                || (i > 0 && Character.isWhitespace(text.charAt(i)) && !Character.isWhitespace(text.charAt(i - 1)));
    }

    private static int boundaryAtOrBefore(String text, int at) {
        if (at >= text.length()) {
            return text.length();
        }
        for (int i = at; i > 0; i--) {
            if (isBoundary(text, i)) {
                return i;
            }
        }
        int firstWordEnd = 1;
        while (firstWordEnd < text.length() && !isBoundary(text, firstWordEnd)) {
            firstWordEnd++;
        }
        return firstWordEnd;
    }

    /** The first word alone does not fit: the longest code-point prefix of it that does (binary search). */
    private Cut cutInsideFirstWord(String text) {
        int lo = 0;
        int hi = Math.min(text.length(), boundaryAtOrBefore(text, 1));
        Cut best = new Cut("", ids(""));
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (mid < text.length() && Character.isLowSurrogate(text.charAt(mid))) {
                mid--;
            }
            if (mid <= lo) {
                break;
            }
            int[] ids = ids(text.substring(0, mid));
            if (ids.length <= maxIds) {
                best = new Cut(text.substring(0, mid), ids);
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }
}
