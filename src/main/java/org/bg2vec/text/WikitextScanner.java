package org.bg2vec.text;

import java.util.Locale;
import java.util.Set;

/**
 * Single-pass wikitext-to-text scanner for one page. The main loop walks the page once; line-level
 * constructs (headings, tables, lists, rules) are recognised at line starts and inline constructs
 * (templates, links, tags, entities, bold/italic, magic words) where they start. Nested constructs are
 * skipped in O(1) via {@link BracketIndex}; link labels, headings and external-link titles are
 * scanned recursively over their range. Unbalanced markup degrades (an unclosed opener is dropped, its
 * content kept) and never throws or loops. Not thread-safe: one instance per page.
 */
final class WikitextScanner {

    private static final int MAX_DEPTH = 24;
    private static final String[] URL_PREFIXES = {
        "http://", "https://", "ftp://", "ftps://", "sftp://", "//", "mailto:", "news:", "irc://", "ircs://",
        "gopher://", "git://", "svn://", "telnet://", "worldwind://", "urn:", "geo:"};

    private final String text;
    private final char[] chars;
    private final int n;
    private final BracketIndex index;
    private final ArticleBuilder out;
    private final Set<String> fileNamespaces;
    private final Set<String> categoryNamespaces;

    WikitextScanner(String text, ArticleBuilder out, Set<String> fileNamespaces, Set<String> categoryNamespaces) {
        this.text = text;
        this.chars = text.toCharArray();
        this.n = chars.length;
        this.index = BracketIndex.of(text, chars);
        this.out = out;
        this.fileNamespaces = fileNamespaces;
        this.categoryNamespaces = categoryNamespaces;
    }

    /** Scans the whole page into the builder. */
    void scan() {
        int i = 0;
        boolean lineStart = true;
        while (i < n) {
            if (lineStart) {
                lineStart = false;
                i = lineStartConstruct(i);
                continue;
            }
            char c = chars[i];
            if (c == '\n') {
                out.endLine();
                lineStart = true;
                i++;
            } else {
                i = inline(i, n, out.line, 0);
            }
        }
    }

    /** Handles a heading, table, rule or list marker at a line start; returns where scanning goes on. */
    private int lineStartConstruct(int i) {
        char c = chars[i];
        if (c == '=') {
            int h = heading(i);
            if (h >= 0) {
                return h;
            }
        }
        int j = i;
        while (j < n && (chars[j] == ' ' || chars[j] == '\t' || chars[j] == ':')) {
            j++;
        }
        if (j + 1 < n && chars[j] == '{' && chars[j + 1] == '|') {
            return skipTable(j);
        }
        if (j + 1 < n && chars[j] == '|' && chars[j + 1] == '}') {
            return j + 2; // stray table end
        }
        if (text.startsWith("----", i)) {
            while (i < n && chars[i] == '-') {
                i++;
            }
            return i;
        }
        if (c == '*' || c == '#' || c == ':' || c == ';') {
            out.markListItem();
            while (i < n && "*#:;".indexOf(chars[i]) >= 0) {
                i++;
            }
        }
        return i;
    }

    /** Parses a heading line at {@code i}; returns the index of its line end, or -1 if it is not one. */
    private int heading(int i) {
        int eol = text.indexOf('\n', i);
        if (eol < 0) {
            eol = n;
        }
        int e = trimEnd(i, eol);
        // "== История == <!-- бележка -->": trailing comments do not stop a heading
        while (e - i >= 7 && text.startsWith("-->", e - 3)) {
            int open = e - 7;
            while (open >= i && !text.startsWith("<!--", open)) {
                open--;
            }
            if (open < i) {
                break;
            }
            e = trimEnd(i, open);
        }
        int lead = 0;
        while (i + lead < e && chars[i + lead] == '=') {
            lead++;
        }
        int trail = 0;
        while (e - trail - 1 >= i + lead && chars[e - trail - 1] == '=') {
            trail++;
        }
        int level = Math.min(6, Math.min(lead, trail));
        if (level < 1 || i + level >= e - level) {
            return -1;
        }
        StringBuilder h = new StringBuilder(e - i);
        scanInline(i + level, e - level, h, 1);
        out.heading(level, h.toString());
        return eol;
    }

    /** First index of {@code c} in {@code [start, end)}, or -1 (bounded, unlike String.indexOf). */
    private int indexOf(char c, int start, int end) {
        for (int k = start; k < end; k++) {
            if (chars[k] == c) {
                return k;
            }
        }
        return -1;
    }

    private int trimEnd(int start, int end) {
        int e = end;
        while (e > start && Character.isWhitespace(chars[e - 1])) {
            e--;
        }
        return e;
    }

    /** Skips a {| ... |} table (nested tables, templates and comments inside) starting at {@code i}. */
    private int skipTable(int i) {
        int depth = 1;
        int j = i + 2;
        while (j < n) {
            char c = chars[j];
            if (c == '{' && j + 1 < n && chars[j + 1] == '{') {
                int e = index.end(j);
                j = e > j ? e : j + 2;
            } else if (c == '<' && text.startsWith("<!--", j)) {
                int close = text.indexOf("-->", j + 4);
                j = close < 0 ? n : close + 3;
            } else if (c == '\n') {
                j++;
                while (j < n && (chars[j] == ' ' || chars[j] == '\t' || chars[j] == ':')) {
                    j++;
                }
                if (j + 1 < n && chars[j] == '{' && chars[j + 1] == '|') {
                    depth++;
                    j += 2;
                } else if (j + 1 < n && chars[j] == '|' && chars[j + 1] == '}') {
                    depth--;
                    j += 2;
                    if (depth == 0) {
                        return j;
                    }
                }
            } else {
                j++;
            }
        }
        return n;
    }

    /** Scans {@code [start, end)} as inline text (newlines become spaces) into {@code sb}. */
    private void scanInline(int start, int end, StringBuilder sb, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        int i = start;
        while (i < end) {
            char c = chars[i];
            if (c == '\n') {
                sb.append(' ');
                i++;
            } else {
                i = inline(i, end, sb, depth);
            }
        }
    }

    /** Handles the character or construct at {@code i} (not a newline); returns the next index. */
    private int inline(int i, int end, StringBuilder sb, int depth) {
        char c = chars[i];
        switch (c) {
            case '{':
                return braces(i, end, sb);
            case '}':
            case ']':
                return strayCloser(i, end, sb, c);
            case '|':
                if (i + 1 < end && chars[i + 1] == '}') {
                    return i + 2; // stray table end
                }
                sb.append(c);
                return i + 1;
            case '[':
                return bracket(i, end, sb, depth);
            case '<':
                return tag(i, end, sb);
            case '\'':
                return apostrophes(i, end, sb);
            case '&': {
                int e = HtmlEntities.decode(text, i, end, sb);
                if (e < 0) {
                    sb.append('&');
                    return i + 1;
                }
                return e;
            }
            case '_':
                return magicWord(i, end, sb);
            default:
                // fast path: copy a run of ordinary characters
                int j = i + 1;
                while (j < end && !isSpecial(chars[j])) {
                    j++;
                }
                sb.append(chars, i, j - i);
                return j;
        }
    }

    private static boolean isSpecial(char c) {
        return c == '\n' || c == '{' || c == '}' || c == ']' || c == '|' || c == '[' || c == '<' || c == '\''
                || c == '&' || c == '_';
    }

    /** {{ ... }}: skip the whole template; an unclosed opener is dropped; a single '{' is text. */
    private int braces(int i, int end, StringBuilder sb) {
        int r = run(i, end, '{');
        if (r < 2) {
            sb.append('{');
            return i + 1;
        }
        int e = index.end(i);
        if (e > i && e <= end) {
            return e;
        }
        return i + r;
    }

    private int strayCloser(int i, int end, StringBuilder sb, char c) {
        int r = run(i, end, c);
        if (r >= 2) {
            return i + r; // unmatched "}}" / "]]": markup debris, dropped
        }
        sb.append(c);
        return i + 1;
    }

    /** [[link]], [[File:...]], [[Category:...]], [url title] or a literal '['. */
    private int bracket(int i, int end, StringBuilder sb, int depth) {
        int r = run(i, end, '[');
        if (r >= 2) {
            for (int k = 0; k < r - 2; k++) {
                sb.append('[');
            }
            int p = i + r - 2;
            int e = index.end(p);
            if (e <= p || e > end) {
                return p + 2; // unclosed [[: drop the opener, keep what follows
            }
            internalLink(p + 2, e - 2, sb, depth);
            return e;
        }
        int e = externalLink(i, end, sb, depth);
        if (e >= 0) {
            return e;
        }
        sb.append('[');
        return i + 1;
    }

    private void internalLink(int start, int end, StringBuilder sb, int depth) {
        int pipe = indexOf('|', start, end);
        int targetEnd = pipe < 0 ? end : pipe;
        int t = start;
        while (t < targetEnd && Character.isWhitespace(chars[t])) {
            t++;
        }
        boolean visible = t < targetEnd && chars[t] == ':';
        if (visible) {
            t++;
        }
        int colon = indexOf(':', t, targetEnd);
        if (colon >= 0) {
            String prefix = text.substring(t, colon).trim().replace('_', ' ').toLowerCase(Locale.ROOT);
            if (!visible && (fileNamespaces.contains(prefix) || categoryNamespaces.contains(prefix))) {
                return;
            }
            if (!visible && pipe < 0 && isLanguageCode(prefix)) {
                return; // interlanguage link
            }
        }
        if (pipe >= 0) {
            int before = sb.length();
            scanInline(pipe + 1, end, sb, depth + 1);
            if (!isBlankFrom(sb, before)) {
                return;
            }
            sb.setLength(before); // "pipe trick" [[a (b)|]]: fall back to the target
        }
        int labelStart = sb.length();
        scanInline(t, targetEnd, sb, depth + 1);
        for (int k = labelStart; k < sb.length(); k++) {
            if (sb.charAt(k) == '_') {
                sb.setCharAt(k, ' ');
            }
        }
    }

    private static boolean isLanguageCode(String prefix) {
        int len = prefix.length();
        if (len < 2 || len > 12) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            char c = prefix.charAt(k);
            boolean ok = (c >= 'a' && c <= 'z') || (k > 1 && c == '-');
            if (!ok) {
                return false;
            }
        }
        int dash = prefix.indexOf('-');
        return (dash < 0 ? len : dash) <= 3;
    }

    /** [url title] → title; [url] → nothing. Returns -1 when there is no external link at i. */
    private int externalLink(int i, int end, StringBuilder sb, int depth) {
        int u = i + 1;
        boolean url = false;
        for (String prefix : URL_PREFIXES) {
            if (text.regionMatches(true, u, prefix, 0, prefix.length())) {
                url = true;
                break;
            }
        }
        if (!url) {
            return -1;
        }
        int j = u;
        int space = -1;
        while (j < end) {
            char c = chars[j];
            if (c == ']' || c == '\n') {
                break;
            }
            if ((c == '{' || c == '[') && j + 1 < end && chars[j + 1] == c) {
                int e = index.end(j);
                if (e > j && e <= end) {
                    j = e; // a template or [[link]] inside the title may contain ']'
                    continue;
                }
            }
            if (space < 0 && (c == ' ' || c == '\t')) {
                space = j;
            }
            j++;
        }
        if (j >= end || chars[j] != ']') {
            return -1;
        }
        if (space >= 0) {
            scanInline(space + 1, j, sb, depth + 1);
        }
        return j + 1;
    }

    /** Comments, tags (removed with content, stripped, or literal), or a literal '<'. */
    private int tag(int i, int end, StringBuilder sb) {
        if (text.startsWith("<!--", i)) {
            int close = text.indexOf("-->", i + 4);
            return close < 0 || close + 3 > end ? end : close + 3;
        }
        WikiTags.Tag tag = WikiTags.parse(text, i, end);
        if (tag == null || !WikiTags.known(tag.name())) {
            sb.append('<');
            return i + 1;
        }
        String name = tag.name();
        if (tag.closing() || tag.selfClosing()) {
            if (name.equals("br")) {
                sb.append(' ');
            }
            return tag.end();
        }
        if (WikiTags.REMOVED.contains(name)) {
            long close = index.findClosingTag(name, tag.end());
            return close < 0 || (int) close > end ? tag.end() : (int) close;
        }
        if (name.equals("nowiki")) {
            long close = index.findClosingTag(name, tag.end());
            int contentEnd = close < 0 || (int) close > end ? end : (int) (close >>> 32);
            literal(tag.end(), contentEnd, sb);
            return close < 0 || (int) close > end ? end : (int) close;
        }
        if (name.equals("br")) {
            sb.append(' ');
        }
        return tag.end();
    }

    /** Copies {@code [start, end)} without markup interpretation (entities decoded, newlines → spaces). */
    private void literal(int start, int end, StringBuilder sb) {
        int i = start;
        while (i < end) {
            char c = chars[i];
            if (c == '&') {
                int e = HtmlEntities.decode(text, i, end, sb);
                if (e > 0) {
                    i = e;
                    continue;
                }
            }
            sb.append(c == '\n' ? ' ' : c);
            i++;
        }
    }

    /** '' and ''' (and ''''') are bold/italic markers and vanish; surplus apostrophes are text. */
    private int apostrophes(int i, int end, StringBuilder sb) {
        int r = run(i, end, '\'');
        int literal = r == 1 ? 1 : r == 4 ? 1 : r > 5 ? r - 5 : 0;
        for (int k = 0; k < literal; k++) {
            sb.append('\'');
        }
        return i + r;
    }

    /** __MAGICWORD__ (any upper-case Latin or Cyrillic letters) vanishes; other underscores are text. */
    private int magicWord(int i, int end, StringBuilder sb) {
        if (i + 1 < end && chars[i + 1] == '_') {
            int j = i + 2;
            while (j < end && j - i < 64 && Character.isUpperCase(chars[j])) {
                j++;
            }
            if (j > i + 2 && j + 1 < end && chars[j] == '_' && chars[j + 1] == '_') {
                return j + 2;
            }
        }
        sb.append('_');
        return i + 1;
    }

    private int run(int i, int end, char c) {
        int j = i;
        while (j < end && chars[j] == c) {
            j++;
        }
        return j - i;
    }

    private static boolean isBlankFrom(StringBuilder sb, int from) {
        for (int k = from; k < sb.length(); k++) {
            if (!Character.isWhitespace(sb.charAt(k))) {
                return false;
            }
        }
        return true;
    }
}
