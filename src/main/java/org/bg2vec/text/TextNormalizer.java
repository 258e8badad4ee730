package org.bg2vec.text;

import com.ibm.icu.text.Normalizer2;

/**
 * Unicode and whitespace normalisation applied to every cleaned text (and usable on already-clean input).
 *
 * <p>Rules, in order:
 * <ol>
 *   <li>delete the soft hyphen U+00AD and zero-width characters (U+200B..U+200D, U+2060, U+FEFF);
 *       map NBSP, figure/thin/hair/narrow spaces and other Unicode spaces to an ASCII space;
 *       map tabs and carriage returns to a space;</li>
 *   <li>NFC (so {@code и + U+0306} becomes {@code й}; never NFD + strip marks, which would turn й into и);</li>
 *   <li>drop the combining grave/acute accents U+0300/U+0301 still left after NFC (stress marks such as
 *       {@code а́}); a precomposed {@code ѝ} stays; {@code ѐ → е}, {@code Ѐ → Е};</li>
 *   <li>per line: collapse runs of spaces, trim, drop empty parentheses ({@code ()}, {@code ( , )}: only
 *       spaces/punctuation inside) together with the space before them;</li>
 *   <li>drop lines without any letter or digit (empty or punctuation-only lines).</li>
 * </ol>
 * Lines are separated by {@code '\n'} in the result. The class is stateless and thread-safe.
 */
public final class TextNormalizer {

    private static final Normalizer2 NFC = Normalizer2.getNFCInstance();

    private TextNormalizer() {
    }

    /** Normalises {@code text} as described in the class comment; never returns null. */
    public static String normalize(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String s = mapCharacters(text);
        if (!NFC.isNormalized(s)) {
            s = NFC.normalize(s);
        }
        s = dropStressMarks(s);
        StringBuilder out = new StringBuilder(s.length());
        int start = 0;
        while (start <= s.length()) {
            int nl = s.indexOf('\n', start);
            int end = nl < 0 ? s.length() : nl;
            String line = tidyLine(s, start, end);
            if (hasLetterOrDigit(line)) {
                if (out.length() > 0) {
                    out.append('\n');
                }
                out.append(line);
            }
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        return out.toString();
    }

    /** True for characters that are deleted outright (soft hyphen, zero-width, BOM). */
    static boolean isDeleted(char c) {
        return c == '\u00AD' || (c >= '\u200B' && c <= '\u200D') || c == '\u2060' || c == '\uFEFF';
    }

    /** True for characters that become an ASCII space (Unicode spaces, tab, CR, form feed). */
    static boolean isSpaceLike(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\u000B' || c == '\u00A0'
                || (c >= '\u2000' && c <= '\u200A') || c == '\u202F' || c == '\u205F' || c == '\u3000'
                || c == '\u1680';
    }

    private static String mapCharacters(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean deleted = isDeleted(c);
            boolean space = !deleted && c != ' ' && isSpaceLike(c);
            if (deleted || space) {
                if (sb == null) {
                    sb = new StringBuilder(text.length());
                    sb.append(text, 0, i);
                }
                if (space) {
                    sb.append(' ');
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    private static String dropStressMarks(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            char r = c;
            boolean drop = c == '\u0300' || c == '\u0301';
            if (c == '\u0450') {
                r = '\u0435';
            } else if (c == '\u0400') {
                r = '\u0415';
            }
            if (drop || r != c) {
                if (sb == null) {
                    sb = new StringBuilder(s.length());
                    sb.append(s, 0, i);
                }
                if (!drop) {
                    sb.append(r);
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** Collapses spaces, trims and removes empty parentheses in {@code s[start, end)}. */
    private static String tidyLine(String s, int start, int end) {
        StringBuilder sb = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c == ' ') {
                if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ' ') {
                    sb.append(' ');
                }
            } else if (c == ')') {
                int open = emptyParenthesisStart(sb);
                if (open >= 0) {
                    sb.setLength(open);
                    // the space before "(" goes too; a following space is collapsed as usual
                    while (sb.length() > 0 && sb.charAt(sb.length() - 1) == ' ') {
                        sb.setLength(sb.length() - 1);
                    }
                    if (i + 1 < end && sb.length() > 0 && s.charAt(i + 1) != ' '
                            && Character.isLetterOrDigit(s.charAt(i + 1))) {
                        sb.append(' ');
                    }
                } else {
                    sb.append(c);
                }
            } else {
                sb.append(c);
            }
        }
        int len = sb.length();
        while (len > 0 && sb.charAt(len - 1) == ' ') {
            len--;
        }
        sb.setLength(len);
        return sb.toString();
    }

    /** Index of an unmatched "(" in {@code sb} followed only by spaces and punctuation, or -1. */
    private static int emptyParenthesisStart(StringBuilder sb) {
        for (int j = sb.length() - 1; j >= 0; j--) {
            char c = sb.charAt(j);
            if (c == '(') {
                return j;
            }
            if (c == ')' || Character.isLetterOrDigit(c) || !isParenFiller(c)) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean isParenFiller(char c) {
        return c == ' ' || c == ',' || c == ';' || c == ':' || c == '.' || c == '-' || c == '\u2013'
                || c == '\u2014' || c == '/';
    }

    private static boolean hasLetterOrDigit(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (Character.isLetterOrDigit(line.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
