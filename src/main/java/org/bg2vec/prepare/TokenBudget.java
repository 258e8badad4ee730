package org.bg2vec.prepare;

/**
 * Cuts a text to a prefix that fits a token budget, at a word boundary when there is one, so that a sample's text
 * and its ids always agree: the ids returned are exactly {@code ids(text)}. One encoding per text: the text's
 * start is tokenized once, with the start of every token, until it holds more than {@code budget} tokens
 * ({@link PrepareTokenizer#prefixTokens}: the Java BPE stops after the word holding token #budget; HF encodes a
 * window of the text's start); the cut is the longest prefix ending at a word boundary (before a whitespace that
 * follows a non-whitespace) within the characters of the first {@code budget} tokens whose own encoding fits. A
 * boundary where a token starts needs no second encoding: BPE did not merge across it, so the tokens before it
 * are exactly the prefix's own encoding. Other boundaries (rare: BPE merged across them) are encoded alone to
 * check, at most {@value #MAX_UNALIGNED} per cut. The result depends only on the text, never on what the task
 * cut before: outputs must not depend on partitioning.
 */
public final class TokenBudget {

    /** A prefix and its LLM2Vec ids (special prefix first). */
    public record Cut(String text, int[] ids) {
    }

    /** Boundaries BPE merged across that are checked by encoding the prefix alone, at most, per cut. */
    private static final int MAX_UNALIGNED = 4;

    private final PrepareTokenizer tokenizer;
    private final int maxIds;
    private final int budget;

    /**
     * @param tokenizer the counting tokenizer (never truncates)
     * @param maxIds    ids per sample at most, special prefix (BOS) included
     */
    public TokenBudget(PrepareTokenizer tokenizer, int maxIds) {
        if (maxIds <= tokenizer.prefixLength()) {
            throw new IllegalArgumentException("a budget of " + maxIds + " ids leaves no room after the special"
                    + " prefix");
        }
        this.tokenizer = tokenizer;
        this.maxIds = maxIds;
        this.budget = maxIds - tokenizer.prefixLength();
    }

    /** Text tokens a sample may hold (max ids minus BOS). */
    public int textBudget() {
        return budget;
    }

    /** LLM2Vec ids of a text, untruncated. */
    public int[] ids(String text) {
        return tokenizer.ids(text);
    }

    /** Text tokens of a text (BOS excluded). */
    public int count(String text) {
        return tokenizer.tokens(text).count();
    }

    /** A prefix of {@code text} that fits, with its ids; the text itself when it fits; empty for an empty text. */
    public Cut cut(String text) {
        if (text.isEmpty()) {
            return new Cut("", ids(""));
        }
        PrepareTokenizer.Tokens t = tokenizer.prefixTokens(text, budget);
        if (t.count() <= budget) {
            return new Cut(text, tokenizer.ids(t, t.count()));
        }
        return cutWithin(text, t);
    }

    /** The cut when the prefix's tokens exceed the budget: the last fitting word boundary before token #budget. */
    private Cut cutWithin(String text, PrepareTokenizer.Tokens t) {
        int unaligned = 0;
        for (int p = lastBoundary(text, t.starts()[budget]); p > 0; p = lastBoundary(text, p - 1)) {
            int k = tokensBefore(t, p);
            if (t.starts()[k] == p) {
                return new Cut(text.substring(0, p), tokenizer.ids(t, k));
            }
            if (unaligned++ < MAX_UNALIGNED) {
                int[] own = ids(text.substring(0, p));
                if (own.length <= maxIds) {
                    return new Cut(text.substring(0, p), own);
                }
            }
        }
        return cutInsideFirstWord(text);
    }

    /** Number of tokens that start before char {@code p} (starts never decrease). */
    private static int tokensBefore(PrepareTokenizer.Tokens t, int p) {
        int lo = 0;
        int hi = t.count();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (t.starts()[mid] < p) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** A cut before a whitespace that follows a non-whitespace, or the end. */
    private static boolean isBoundary(String text, int i) {
        return i == text.length()
                || (i > 0 && Character.isWhitespace(text.charAt(i)) && !Character.isWhitespace(text.charAt(i - 1)));
    }

    /** The largest word boundary at or before {@code at}, or 0 when there is none. */
    private static int lastBoundary(String text, int at) {
        for (int i = Math.min(at, text.length()); i > 0; i--) {
            if (isBoundary(text, i)) {
                return i;
            }
        }
        return 0;
    }

    private static int firstWordEnd(String text) {
        int end = 1;
        while (end < text.length() && !isBoundary(text, end)) {
            end++;
        }
        return end;
    }

    /** The first word alone does not fit: the longest code-point prefix of it that does (binary search). */
    private Cut cutInsideFirstWord(String text) {
        int lo = 0;
        int hi = firstWordEnd(text);
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
