package org.bg2vec.text;

import java.util.Set;

/** Recognises HTML/extension tags in wikitext and says what the cleaner does with each. */
final class WikiTags {

    /** Tags removed together with their content. */
    static final Set<String> REMOVED = Set.of(
            "ref", "references", "math", "chem", "ce", "code", "gallery", "timeline", "syntaxhighlight",
            "source", "pre", "score", "graph", "mapframe", "maplink", "templatedata", "templatestyles",
            "imagemap", "hiero", "inputbox", "categorytree", "includeonly", "table", "indicator", "charinsert",
            "dynamicpagelist", "quiz", "rss", "phonos", "langconvert", "poll", "talkpage");

    /** Tags whose content is not wikitext: brackets inside them never pair with brackets outside. */
    static final Set<String> OPAQUE = Set.of(
            "math", "chem", "ce", "code", "syntaxhighlight", "source", "pre", "score", "timeline", "graph",
            "mapframe", "maplink", "templatedata", "hiero", "nowiki", "imagemap", "charinsert");

    /** Tags stripped while their content is kept. */
    static final Set<String> INLINE = Set.of(
            "b", "i", "u", "s", "strike", "del", "ins", "em", "strong", "small", "big", "sup", "sub", "span",
            "font", "abbr", "acronym", "cite", "q", "tt", "var", "kbd", "samp", "dfn", "bdi", "bdo", "mark",
            "time", "data", "ruby", "rb", "rt", "rp", "wbr", "br", "hr", "div", "p", "center", "blockquote",
            "poem", "noinclude", "onlyinclude", "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4",
            "h5", "h6", "caption", "translate", "tvar", "nowiki", "nobr", "section");

    /** Longest tag (with attributes) we look at; a longer "tag" is treated as text. */
    private static final int MAX_TAG_LENGTH = 4096;

    /** A parsed tag: lower-case name, whether it is a closing or self-closing tag, index after {@code '>'}. */
    record Tag(String name, boolean closing, boolean selfClosing, int end) {
    }

    private WikiTags() {
    }

    /** Parses the tag starting with {@code '<'} at {@code i}, or returns null when it is not a tag. */
    static Tag parse(CharSequence text, int i, int end) {
        int j = i + 1;
        boolean closing = false;
        if (j < end && text.charAt(j) == '/') {
            closing = true;
            j++;
        }
        int nameStart = j;
        while (j < end && isNameChar(text.charAt(j), j == nameStart)) {
            j++;
        }
        if (j == nameStart || j >= end) {
            return null;
        }
        char after = text.charAt(j);
        if (after != '>' && after != '/' && !Character.isWhitespace(after)) {
            return null;
        }
        StringBuilder name = new StringBuilder(j - nameStart);
        for (int k = nameStart; k < j; k++) {
            name.append(Character.toLowerCase(text.charAt(k)));
        }
        int limit = Math.min(end, i + MAX_TAG_LENGTH);
        char quote = 0;
        for (int k = j; k < limit; k++) {
            char c = text.charAt(k);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\n' || c == '<') {
                    quote = 0; // unbalanced quote: give up on quoting and treat this char normally
                    k--;
                }
                continue;
            }
            if (c == '"' || c == '\'') {
                if (k > j && text.charAt(k - 1) == '=') {
                    quote = c;
                }
            } else if (c == '>') {
                boolean self = text.charAt(k - 1) == '/';
                return new Tag(name.toString(), closing, self, k + 1);
            } else if (c == '<') {
                return null;
            }
        }
        return null;
    }

    /** True when {@code name} is a tag the cleaner knows (removed or stripped). */
    static boolean known(String name) {
        return REMOVED.contains(name) || INLINE.contains(name) || OPAQUE.contains(name);
    }

    private static boolean isNameChar(char c, boolean first) {
        boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        return first ? letter : letter || (c >= '0' && c <= '9') || c == '-';
    }
}
