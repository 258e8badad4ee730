package org.bg2vec.prepare;

import java.util.Arrays;

/**
 * Parses the usual shape of a {@code <page>} fragment straight from its UTF-8 bytes, without StAX: elements with
 * attributes, character data with the five predefined entities and numeric character references, self-closing
 * elements. Whatever it does not handle itself, or whatever an XML parser could reject, it leaves to
 * {@link PageParser}'s StAX path by returning null: comments, CDATA sections, processing instructions, a DOCTYPE,
 * other entities, carriage returns (which XML normalizes), characters XML does not allow, malformed UTF-8,
 * {@code ]]>} in text, mismatched tags, child elements inside {@code <title>}, {@code <ns>}, {@code <id>} or
 * {@code <text>}, numbers that do not parse. So every page it returns is one StAX returns the same, and every page
 * StAX rejects is rejected by StAX with its own message. Not thread-safe (one per {@link PageParser}).
 */
final class PageBytesParser {

    private static final int MAX_DEPTH = 64;

    private byte[] x;
    private int end;
    private char[] chars = new char[1 << 12];
    /** Start and end offsets of the names of the open elements, by depth - 1. */
    private final int[] nameFrom = new int[MAX_DEPTH];
    private final int[] nameTo = new int[MAX_DEPTH];
    /** Offsets of the names of the current start tag's attributes (to find a repeated one). */
    private int[] attrFrom = new int[8];
    private int[] attrTo = new int[8];
    /** Position after the construct just read; the code point of the entity just read. */
    private int pos;
    private int entity;

    private long id;
    private Integer ns;
    private String title;
    private boolean redirect;
    private String text;

    /** The page, or null when StAX has to judge the fragment. Fields are as {@link PageParser} defines them. */
    RawPage parse(byte[] fragment) {
        x = fragment;
        end = fragment.length;
        id = -1;
        ns = null;
        title = null;
        redirect = false;
        text = "";
        try {
            return elements() ? new RawPage(id, ns, title, redirect, text) : null;
        } finally {
            x = null;
        }
    }

    /** Reads the root element and everything in it; false when StAX has to judge. */
    private boolean elements() {
        int p = skipSpace(0);
        if (p >= end || x[p] != '<') {
            return false;
        }
        int depth = 0;
        boolean rootClosed = false;
        while (p < end) {
            if (x[p] != '<') {
                int lt = indexOf('<', p);
                if (!rootClosed && depth > 0 && skipSpace(p) == lt) {
                    p = lt;
                    continue;
                }
                if (rootClosed || depth == 0 || decode(p, lt) == null) {
                    return rootClosed && skipSpace(p) == end;
                }
                p = lt;
                continue;
            }
            if (rootClosed || p + 1 >= end) {
                return false;
            }
            byte next = x[p + 1];
            if (next == '/') {
                if (depth == 0 || !endTag(p + 2, nameFrom[depth - 1], nameTo[depth - 1])) {
                    return false;
                }
                depth--;
                rootClosed = depth == 0;
                p = pos;
            } else if (next == '!' || next == '?') {
                return false;
            } else {
                int nameStart = p + 1;
                if (depth == MAX_DEPTH || !startTag(nameStart)) {
                    return false;
                }
                boolean empty = x[pos - 2] == '/';
                int nameEnd = nameEnd(nameStart);
                depth++;
                p = pos;
                int read = element(depth, nameStart, nameEnd, p, empty);
                if (read < 0) {
                    return false;
                }
                if (read > 0 || empty) {
                    depth--;
                    rootClosed = depth == 0;
                    p = read > 0 ? read : p;
                } else {
                    nameFrom[depth - 1] = nameStart;
                    nameTo[depth - 1] = nameEnd;
                }
            }
        }
        return rootClosed;
    }

    /**
     * Handles the start of an element at {@code depth} whose content starts at {@code p}: the ones the page is
     * made of are read to their end tag. Returns the position after their end tag, 0 for an element whose content
     * is read as usual, -1 when StAX has to judge.
     */
    private int element(int depth, int from, int to, int p, boolean empty) {
        if (depth == 2) {
            if (is("title", from, to)) {
                title = elementText(p, from, to, empty);
                return title == null ? -1 : pos;
            }
            boolean isNs = is("ns", from, to);
            if (isNs || is("id", from, to)) {
                String s = elementText(p, from, to, empty);
                if (s == null) {
                    return -1;
                }
                int after = pos;
                try {
                    if (isNs) {
                        ns = Integer.parseInt(s.trim());
                    } else {
                        id = Long.parseLong(s.trim());
                    }
                } catch (NumberFormatException e) {
                    return -1;
                }
                return after;
            }
            if (is("redirect", from, to)) {
                redirect = true;
            }
        } else if (depth == 3 && is("revision", nameFrom[1], nameTo[1]) && is("text", from, to)) {
            text = elementText(p, from, to, empty);
            return text == null ? -1 : pos;
        }
        return 0;
    }

    /**
     * The character data of an element with no child elements, content from {@code p} to its end tag (sets pos
     * after the end tag); "" for a self-closing one (pos = p); null when StAX has to judge.
     */
    private String elementText(int p, int nameFrom, int nameTo, boolean empty) {
        if (empty) {
            pos = p;
            return "";
        }
        int lt = indexOf('<', p);
        if (lt + 1 >= end || x[lt + 1] != '/') {
            return null;
        }
        String s = decode(p, lt);
        return s != null && endTag(lt + 2, nameFrom, nameTo) ? s : null;
    }

    /** Reads a start tag from the name at {@code p} to its '>' (pos after it); false when StAX has to judge. */
    private boolean startTag(int p) {
        int q = nameEnd(p);
        if (q == p) {
            return false;
        }
        int attrs = 0;
        while (true) {
            int s = skipSpace(q);
            if (s >= end) {
                return false;
            }
            if (x[s] == '>' || (x[s] == '/' && s + 1 < end && x[s + 1] == '>')) {
                pos = x[s] == '>' ? s + 1 : s + 2;
                return true;
            }
            int n = nameEnd(s);
            if (s == q || n == s || repeated(s, n, attrs)) {
                return false;
            }
            remember(attrs++, s, n);
            int eq = skipSpace(n);
            if (eq >= end || x[eq] != '=') {
                return false;
            }
            int quote = skipSpace(eq + 1);
            if (quote >= end || (x[quote] != '"' && x[quote] != '\'')) {
                return false;
            }
            int close = quote + 1;
            while (close < end && x[close] != x[quote] && x[close] != '<') {
                close++;
            }
            if (close >= end || x[close] != x[quote] || decode(quote + 1, close) == null) {
                return false;
            }
            q = close + 1;
        }
    }

    private boolean repeated(int from, int to, int attrs) {
        for (int i = 0; i < attrs; i++) {
            if (Arrays.equals(x, from, to, x, attrFrom[i], attrTo[i])) {
                return true;
            }
        }
        return false;
    }

    private void remember(int i, int from, int to) {
        if (i == attrFrom.length) {
            attrFrom = Arrays.copyOf(attrFrom, i * 2);
            attrTo = Arrays.copyOf(attrTo, i * 2);
        }
        attrFrom[i] = from;
        attrTo[i] = to;
    }

    /** Reads an end tag's name at {@code p}, which must be the open element's; pos after its '>'. */
    private boolean endTag(int p, int nameFrom, int nameTo) {
        int n = p + (nameTo - nameFrom);
        if (n > end || !Arrays.equals(x, p, n, x, nameFrom, nameTo) || nameEnd(p) != n) {
            return false;
        }
        int gt = skipSpace(n);
        pos = gt + 1;
        return gt < end && x[gt] == '>';
    }

    /** The end of an ASCII XML name starting at {@code p} ({@code p} itself when there is none). */
    private int nameEnd(int p) {
        if (p >= end || !(letter(x[p]) || x[p] == '_' || x[p] == ':')) {
            return p;
        }
        int q = p + 1;
        while (q < end && (letter(x[q]) || (x[q] >= '0' && x[q] <= '9') || x[q] == '_' || x[q] == ':'
                || x[q] == '.' || x[q] == '-')) {
            q++;
        }
        return q;
    }

    private static boolean letter(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    }

    private boolean is(String name, int from, int to) {
        if (to - from != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (x[from + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int skipSpace(int p) {
        while (p < end && (x[p] == ' ' || x[p] == '\n' || x[p] == '\t' || x[p] == '\r')) {
            p++;
        }
        return p;
    }

    /** The next {@code b} at or after {@code p}, or {@code end}. */
    private int indexOf(char b, int p) {
        while (p < end && x[p] != b) {
            p++;
        }
        return p;
    }

    /**
     * Character data from {@code from} to {@code to} (no '<' in it) as a string, entities replaced; null for
     * anything StAX has to judge.
     */
    private String decode(int from, int to) {
        if (chars.length < to - from) {
            chars = new char[Math.max(chars.length * 2, to - from)];
        }
        char[] out = chars;
        int n = 0;
        int i = from;
        while (i < to) {
            int b = x[i];
            if (b >= 0x20) {
                if (b == '&') {
                    i = entity(i + 1, to);
                    if (i < 0) {
                        return null;
                    }
                    n = put(out, n, entity);
                    continue;
                }
                if (b == '>' && i - from >= 2 && x[i - 1] == ']' && x[i - 2] == ']') {
                    return null;
                }
                out[n++] = (char) b;
                i++;
            } else if (b == '\t' || b == '\n') {
                out[n++] = (char) b;
                i++;
            } else if (b >= 0) {
                return null;
            } else if (b >= (byte) 0xC2 && b <= (byte) 0xDF && i + 1 < to && (x[i + 1] & 0xC0) == 0x80) {
                out[n++] = (char) (((b & 0x1F) << 6) | (x[i + 1] & 0x3F));
                i += 2;
            } else {
                int c = utf8(i, to);
                if (c < 0) {
                    return null;
                }
                n = put(out, n, c);
                i = pos;
            }
        }
        return new String(out, 0, n);
    }

    private static int put(char[] out, int n, int codePoint) {
        if (codePoint < 0x10000) {
            out[n] = (char) codePoint;
            return n + 1;
        }
        out[n] = Character.highSurrogate(codePoint);
        out[n + 1] = Character.lowSurrogate(codePoint);
        return n + 2;
    }

    /** The XML character of the 2–4-byte UTF-8 sequence at {@code i} (pos after it), or -1. */
    private int utf8(int i, int to) {
        int b = x[i] & 0xFF;
        int len;
        int c;
        int min;
        if (b >= 0xC2 && b <= 0xDF) {
            len = 2;
            c = b & 0x1F;
            min = 0x80;
        } else if (b >= 0xE0 && b <= 0xEF) {
            len = 3;
            c = b & 0x0F;
            min = 0x800;
        } else if (b >= 0xF0 && b <= 0xF4) {
            len = 4;
            c = b & 0x07;
            min = 0x10000;
        } else {
            return -1;
        }
        if (i + len > to) {
            return -1;
        }
        for (int k = 1; k < len; k++) {
            int cont = x[i + k];
            if ((cont & 0xC0) != 0x80) {
                return -1;
            }
            c = (c << 6) | (cont & 0x3F);
        }
        pos = i + len;
        return c >= min && xmlChar(c) ? c : -1;
    }

    /**
     * Reads the entity or character reference after the '&' at {@code p - 1}: sets {@link #entity}, returns the
     * position after its ';', or -1 for one StAX has to judge.
     */
    private int entity(int p, int to) {
        int semi = p;
        while (semi < to && semi - p <= 9 && x[semi] != ';') {
            semi++;
        }
        if (semi >= to || x[semi] != ';' || semi == p) {
            return -1;
        }
        if (x[p] == '#') {
            entity = charRef(p + 1, semi);
            return entity < 0 ? -1 : semi + 1;
        }
        entity = switch (semi - p) {
            case 2 -> x[p + 1] != 't' ? -1 : x[p] == 'l' ? '<' : x[p] == 'g' ? '>' : -1;
            case 3 -> x[p] == 'a' && x[p + 1] == 'm' && x[p + 2] == 'p' ? '&' : -1;
            case 4 -> is("quot", p, semi) ? '"' : is("apos", p, semi) ? '\'' : -1;
            default -> -1;
        };
        return entity < 0 ? -1 : semi + 1;
    }

    /** The character of a reference's digits ({@code x} and hex digits, or decimal digits), or -1. */
    private int charRef(int p, int to) {
        int radix = 10;
        if (p < to && x[p] == 'x') {
            radix = 16;
            p++;
        }
        if (p == to || to - p > 7) {
            return -1;
        }
        int c = 0;
        for (int i = p; i < to; i++) {
            int d = Character.digit(x[i], radix);
            if (d < 0 || x[i] < 0) {
                return -1;
            }
            c = c * radix + d;
        }
        return xmlChar(c) ? c : -1;
    }

    /** XML 1.0's Char production. */
    private static boolean xmlChar(int c) {
        return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }
}
