package org.bg2vec.text;

import com.ibm.icu.text.Normalizer2;

import java.util.Arrays;

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
        String plain = new LineWriter(text.length(), true).write(text);
        if (plain != null) {
            return plain;
        }
        String s = NFC.isNormalized(text) ? text : NFC.normalize(deleteInvisible(text));
        return new LineWriter(s.length(), false).write(s);
    }

    /**
     * Whether {@code c} is below U+0300 or a Cyrillic letter (U+0400–U+0482, U+048A–U+052F): such characters are
     * starters that NFC leaves alone, so a text of them only is NFC without asking ICU (most Bulgarian text).
     */
    static boolean isPlainlyNfc(char c) {
        return c < 0x300 || (c >= 0x400 && c <= 0x52F && (c <= 0x482 || c >= 0x48A));
    }

    /**
     * One pass over NFC text: deletes invisible characters and stress marks, maps spaces and ѐ, collapses
     * spaces, trims lines, removes empty parentheses and drops lines without a letter or digit. The first pass over a
     * text also checks that it is {@link #isPlainlyNfc} (most text; else the text goes to ICU and a second pass
     * writes its NFC). Reads and writes {@code char} arrays (a {@code StringBuilder} checked its capacity and coder
     * for every character).
     */
    private static final class LineWriter {
        private char[] out;
        private int length;
        private int lineStart;          // where the current line's text starts in out
        private boolean separatorAdded; // a '\n' was appended before the current line
        private boolean lineHasAlnum;
        private boolean pendingSpace;
        private boolean spaceIfAlnum;   // after removed "()": a following word needs a space

        /** Gives up (null) at a character that is not {@link #isPlainlyNfc}. */
        private final boolean plainOnly;

        LineWriter(int capacity, boolean plainOnly) {
            out = new char[capacity + 1];
            this.plainOnly = plainOnly;
        }

        /** The text written; null when {@code plainOnly} and a character may need NFC. */
        String write(String s) {
            int n = s.length();
            char[] in = new char[n];
            s.getChars(0, n, in, 0);
            for (int i = 0; i < n; i++) {
                char c = in[i];
                if (isBasicLetterOrDigit(c)) {
                    // most characters: kept as they are, and plainly NFC; the rest of a word's run of them needs
                    // no spacing decision and is copied as it is
                    emit(c, true);
                    int j = i + 1;
                    while (j < n && isBasicLetterOrDigit(in[j])) {
                        j++;
                    }
                    appendRun(in, i + 1, j);
                    i = j - 1;
                    continue;
                }
                if (plainOnly && c >= 0x300 && !isPlainlyNfc(c)) {
                    return null;
                }
                if (c == '\n') {
                    endLine();
                } else if (isDeleted(c) || c == '\u0300' || c == '\u0301') {
                    continue;
                } else if (isSpaceLike(c)) {
                    pendingSpace = true;
                } else if (c == ')' && removeEmptyParenthesis()) {
                    pendingSpace = false;
                    spaceIfAlnum = true;
                } else {
                    boolean alnum = isLetterOrDigit(c)
                            || (Character.isHighSurrogate(c) && Character.isLetterOrDigit(s.codePointAt(i)));
                    emit(c == '\u0450' ? '\u0435' : c == '\u0400' ? '\u0415' : c, alnum);
                }
            }
            endLine();
            return new String(out, 0, length);
        }

        private void emit(char c, boolean alnum) {
            if (length == lineStart) {
                if (!separatorAdded && length > 0) {
                    append('\n');
                    separatorAdded = true;
                    lineStart = length;
                }
            } else if (pendingSpace || (spaceIfAlnum && alnum)) {
                append(' ');
            }
            pendingSpace = false;
            spaceIfAlnum = false;
            append(c);
            lineHasAlnum |= alnum;
        }

        private void append(char c) {
            ensureRoom(1);
            out[length++] = c;
        }

        private void appendRun(char[] in, int from, int to) {
            int k = to - from;
            ensureRoom(k);
            System.arraycopy(in, from, out, length, k);
            length += k;
        }

        private void ensureRoom(int more) {
            if (length + more > out.length) {
                out = Arrays.copyOf(out, 2 * (length + more) + 16);
            }
        }

        /** Removes "(" + only spaces/punctuation + the ")" being read, and the spaces before it. */
        private boolean removeEmptyParenthesis() {
            for (int j = length - 1; j >= lineStart; j--) {
                char c = out[j];
                if (c == '(') {
                    int k = j;
                    while (k > lineStart && out[k - 1] == ' ') {
                        k--;
                    }
                    length = k;
                    return true;
                }
                if (!isParenFiller(c)) {
                    return false;
                }
            }
            return false;
        }

        private void endLine() {
            if (!lineHasAlnum) {
                length = separatorAdded ? lineStart - 1 : lineStart;
            }
            lineStart = length;
            separatorAdded = false;
            lineHasAlnum = false;
            pendingSpace = false;
            spaceIfAlnum = false;
        }
    }

    /** True for characters that are deleted outright (soft hyphen, zero-width, BOM). */
    static boolean isDeleted(char c) {
        return c == '\u00AD' || (c >= '\u200B' && c <= '\u200D') || c == '\u2060' || c == '\uFEFF';
    }

    /**
     * {@link Character#isLetterOrDigit(char)}, answered without the Unicode tables for ASCII and the Cyrillic
     * letters А–я (most characters of a Bulgarian article; the tables cost more than the rest of the loop).
     */
    static boolean isLetterOrDigit(char c) {
        return isBasicLetterOrDigit(c) || (c >= 0x80 && Character.isLetterOrDigit(c));
    }

    /** ASCII letters and digits and the Cyrillic letters А–я, in three comparisons. */
    static boolean isBasicLetterOrDigit(char c) {
        return (char) (c - '\u0410') < 0x40 || (char) ((c | 0x20) - 'a') < 26 || (char) (c - '0') < 10;
    }

    /** True for characters that become an ASCII space (Unicode spaces, tab, CR, form feed). */
    static boolean isSpaceLike(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\u000B' || c == '\u00A0'
                || (c >= '\u2000' && c <= '\u200A') || c == '\u202F' || c == '\u205F' || c == '\u3000'
                || c == '\u1680';
    }

    private static String deleteInvisible(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isDeleted(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isParenFiller(char c) {
        return c == ' ' || c == ',' || c == ';' || c == ':' || c == '.' || c == '-' || c == '\u2013'
                || c == '\u2014' || c == '/';
    }
}
