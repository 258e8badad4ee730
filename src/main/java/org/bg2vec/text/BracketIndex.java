package org.bg2vec.text;

import java.util.HashMap;
import java.util.Map;

/**
 * One linear pre-pass over a page that pairs template braces {@code {{ … }}} (nested, including
 * {@code {{{param}}}}) and link brackets {@code [[ … ]]} (nested, as in file captions) with a stack, so
 * that the cleaner can skip a whole construct in O(1) and an unclosed one never causes a rescan.
 * Comments and the content of tags that are not wikitext ({@code <math>}, {@code <nowiki>}, ...) are
 * ignored while pairing. Also finds closing tags with a memo so that unclosed tags cost one scan.
 */
final class BracketIndex {

    private final String text;
    private final char[] chars;
    private final int[] matchEnd;
    private final Map<String, long[]> closeTagMemo = new HashMap<>();

    private BracketIndex(String text, char[] chars) {
        this.text = text;
        this.chars = chars;
        this.matchEnd = new int[text.length() + 1];
    }

    /** Builds the index of {@code text}. */
    static BracketIndex of(String text, char[] chars) {
        BracketIndex idx = new BracketIndex(text, chars);
        idx.pair();
        return idx;
    }

    /**
     * Index just after the construct opened at {@code i} ({@code "{{"} run or {@code "[["}), or -1 when the
     * opener at {@code i} is unclosed or not an opener.
     */
    int end(int i) {
        int e = matchEnd[i];
        return e == 0 ? -1 : e;
    }

    /**
     * Finds the closing tag {@code </name ...>} at or after {@code from}.
     *
     * @return {start of "</name", index after its ">"} packed as {@code start << 32 | end}, or -1
     */
    long findClosingTag(String name, int from) {
        long[] memo = closeTagMemo.get(name);
        if (memo != null && memo[0] <= from && (memo[1] < 0 || (memo[1] >>> 32) >= from)) {
            return memo[1];
        }
        long found = -1;
        int n = text.length();
        int k = from;
        while (k < n) {
            k = text.indexOf("</", k);
            if (k < 0) {
                break;
            }
            if (text.regionMatches(true, k + 2, name, 0, name.length())) {
                int after = k + 2 + name.length();
                if (after < n && (text.charAt(after) == '>' || Character.isWhitespace(text.charAt(after)))) {
                    int gt = text.indexOf('>', after);
                    if (gt < 0) {
                        break;
                    }
                    found = ((long) k << 32) | (gt + 1);
                    break;
                }
            }
            k += 2;
        }
        closeTagMemo.put(name, new long[] {from, found});
        return found;
    }

    private void pair() {
        char[] t = chars;
        int n = t.length;
        int[] braceStack = new int[16];
        int[] braceCount = new int[16];
        int[] braceLastClose = new int[16];
        int braceTop = 0;
        int[] linkStack = new int[16];
        int linkTop = 0;
        int i = 0;
        while (i < n) {
            char c = t[i];
            switch (c) {
                case '<' -> i = skipOpaque(i);
                case '{' -> {
                    int r = run(i, '{');
                    if (r >= 2) {
                        if (braceTop == braceStack.length) {
                            braceStack = grow(braceStack);
                            braceCount = grow(braceCount);
                            braceLastClose = grow(braceLastClose);
                        }
                        braceStack[braceTop] = i;
                        braceCount[braceTop] = r;
                        braceLastClose[braceTop] = 0;
                        braceTop++;
                    }
                    i += r;
                }
                case '}' -> {
                    int m = run(i, '}');
                    int q = i;
                    while (m >= 2 && braceTop > 0) {
                        int top = braceTop - 1;
                        int k = (m >= 3 && braceCount[top] >= 3) ? 3 : 2;
                        braceCount[top] -= k;
                        m -= k;
                        q += k;
                        braceLastClose[top] = q;
                        if (braceCount[top] < 2) {
                            matchEnd[braceStack[top]] = q;
                            braceTop--;
                        }
                    }
                    i = q + m;
                }
                case '[' -> {
                    int r = run(i, '[');
                    if (r >= 2) {
                        if (linkTop == linkStack.length) {
                            linkStack = grow(linkStack);
                        }
                        linkStack[linkTop++] = i + r - 2;
                    }
                    i += r;
                }
                case ']' -> {
                    int m = run(i, ']');
                    int q = i;
                    while (m >= 2 && linkTop > 0) {
                        matchEnd[linkStack[--linkTop]] = q + 2;
                        q += 2;
                        m -= 2;
                    }
                    i = q + m;
                }
                default -> {
                    i++;
                    while (i < n && !isBracketOrTag(t[i])) {
                        i++;
                    }
                }
            }
        }
        // a "{{{{" run closed only partly ("{{{{x}}"): end the construct where its last close was
        for (int k = 0; k < braceTop; k++) {
            if (braceLastClose[k] > 0) {
                matchEnd[braceStack[k]] = braceLastClose[k];
            }
        }
    }

    /** Skips a comment or an opaque tag with its content starting at {@code i}; else returns i + 1. */
    private int skipOpaque(int i) {
        if (text.startsWith("<!--", i)) {
            int close = text.indexOf("-->", i + 4);
            return close < 0 ? text.length() : close + 3;
        }
        WikiTags.Tag tag = WikiTags.parse(text, i, text.length());
        if (tag == null) {
            return i + 1;
        }
        if (!tag.closing() && !tag.selfClosing() && WikiTags.OPAQUE.contains(tag.name())) {
            long close = findClosingTag(tag.name(), tag.end());
            return close < 0 ? tag.end() : (int) close;
        }
        return tag.end();
    }

    private static boolean isBracketOrTag(char c) {
        return c == '<' || c == '{' || c == '}' || c == '[' || c == ']';
    }

    private int run(int i, char c) {
        int j = i;
        while (j < chars.length && chars[j] == c) {
            j++;
        }
        return j - i;
    }

    private static int[] grow(int[] a) {
        int[] b = new int[a.length * 2];
        System.arraycopy(a, 0, b, 0, a.length);
        return b;
    }
}
