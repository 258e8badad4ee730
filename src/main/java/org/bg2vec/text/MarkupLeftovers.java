package org.bg2vec.text;

/**
 * Detects wiki markup that survived cleaning. A hit is a cleaner bug, not data: callers count such
 * samples and drop them.
 */
public final class MarkupLeftovers {

    /** The markers searched for, in the order they are reported when several start at one position. */
    public static final String[] MARKERS = {"{{", "}}", "[[", "]]", "|}", "<ref"};

    private MarkupLeftovers() {
    }

    /**
     * Returns the leftover marker that occurs first in {@code text} ({@code "{{"}, {@code "}}"},
     * {@code "[["}, {@code "]]"}, {@code "|}"} or {@code "<ref"}, the last matched case-insensitively),
     * or null when there is none.
     */
    public static String find(String text) {
        if (text == null) {
            return null;
        }
        int n = text.length();
        for (int i = 0; i + 1 < n; i++) {
            char c = text.charAt(i);
            char d = text.charAt(i + 1);
            switch (c) {
                case '{':
                    if (d == '{') {
                        return "{{";
                    }
                    break;
                case '}':
                    if (d == '}') {
                        return "}}";
                    }
                    break;
                case '[':
                    if (d == '[') {
                        return "[[";
                    }
                    break;
                case ']':
                    if (d == ']') {
                        return "]]";
                    }
                    break;
                case '|':
                    if (d == '}') {
                        return "|}";
                    }
                    break;
                case '<':
                    if (text.regionMatches(true, i + 1, "ref", 0, 3)) {
                        return "<ref";
                    }
                    break;
                default:
                    break;
            }
        }
        return null;
    }
}
