package org.bg2vec.text;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Collects the scanner's output lines into paragraphs and sections: consecutive text lines form one
 * paragraph, a blank line ends it, a list item is a paragraph of its own, a heading starts a section.
 * Footer sections (and their subsections) named in the config are dropped. Every paragraph is tidied
 * and passed through {@link TextNormalizer}. One instance per page; not thread-safe.
 */
final class ArticleBuilder {

    /** The line being written by the scanner. */
    final StringBuilder line = new StringBuilder(256);

    private final Set<String> dropSections;
    private final boolean keepListItems;
    private final StringBuilder paragraph = new StringBuilder(1024);
    private final List<CleanedArticle.Section> sections = new ArrayList<>();
    private boolean lineIsListItem;
    private String heading = "";
    private List<String> paragraphs = new ArrayList<>();
    private int dropLevel = -1;

    /**
     * @param dropSections {@link #headingKeys} of the config's drop-section headings (computed once per cleaner)
     */
    ArticleBuilder(Set<String> dropSections, boolean keepListItems) {
        this.dropSections = dropSections;
        this.keepListItems = keepListItems;
    }

    static Set<String> headingKeys(List<String> headings) {
        Set<String> keys = new HashSet<>();
        for (String h : headings) {
            keys.add(headingKey(h));
        }
        return keys;
    }

    /** Marks the current line as a list item. */
    void markListItem() {
        lineIsListItem = true;
    }

    /** Ends the current line. */
    void endLine() {
        if (lineIsListItem) {
            flushParagraph();
            if (keepListItems) {
                addParagraph(line);
            }
        } else if (isBlank(line)) {
            flushParagraph();
        } else {
            if (paragraph.length() > 0) {
                paragraph.append(' ');
            }
            paragraph.append(line);
        }
        line.setLength(0);
        lineIsListItem = false;
    }

    /** Starts a new section at a heading of the given level (1..6) with already-cleaned raw text. */
    void heading(int level, String rawHeading) {
        endLineIfPending();
        flushParagraph();
        closeSection();
        String text = TextNormalizer.normalize(rawHeading).replace('\n', ' ');
        boolean footer = dropSections.contains(headingKey(text));
        if (footer) {
            if (dropLevel < 0 || level < dropLevel) {
                dropLevel = level;
            }
        } else if (dropLevel >= 0 && level <= dropLevel) {
            dropLevel = -1;
        }
        heading = text;
    }

    /** Finishes the page and returns the article. */
    CleanedArticle build(String title) {
        endLineIfPending();
        flushParagraph();
        closeSection();
        return new CleanedArticle(title, sections);
    }

    private void endLineIfPending() {
        if (line.length() > 0 || lineIsListItem) {
            endLine();
        }
    }

    private void flushParagraph() {
        if (paragraph.length() > 0) {
            addParagraph(paragraph);
            paragraph.setLength(0);
        }
    }

    private void addParagraph(CharSequence raw) {
        if (dropLevel >= 0) {
            return;
        }
        String p = tidySpacing(TextNormalizer.normalize(raw.toString()).replace('\n', ' '));
        if (!p.isEmpty()) {
            paragraphs.add(p);
        }
    }

    private void closeSection() {
        if (!paragraphs.isEmpty()) {
            sections.add(new CleanedArticle.Section(heading, paragraphs));
            paragraphs = new ArrayList<>();
        }
    }

    /**
     * Removes the spaces that removed markup leaves before {@code , . ; : ! ?} and {@code )}, and the
     * spaces, {@code ;} and {@code ,} right after {@code (} ("текст <ref/> ." → "текст.",
     * "({{lang-en|X}}; 1903 – 1995)" → "(1903 – 1995)").
     */
    static String tidySpacing(String s) {
        if (s.indexOf('(') < 0 && !hasSpaceBeforeTight(s)) {
            return s; // nothing to remove (most paragraphs): found by indexOf, not char by char
        }
        StringBuilder sb = null;
        boolean afterParen = false;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean filler = c == ' ' || c == ';' || c == ',';
            boolean drop = (afterParen && filler)
                    || (c == ' ' && i + 1 < n && isTightBefore(s.charAt(i + 1))
                        && (i + 2 >= n || !Character.isLetterOrDigit(s.charAt(i + 2))));
            afterParen = c == '(' || (afterParen && filler);
            if (drop) {
                if (sb == null) {
                    sb = new StringBuilder(n);
                    sb.append(s, 0, i);
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString().trim();
    }

    private static boolean hasSpaceBeforeTight(String s) {
        for (int i = s.indexOf(' '); i >= 0 && i + 1 < s.length(); i = s.indexOf(' ', i + 1)) {
            if (isTightBefore(s.charAt(i + 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTightBefore(char c) {
        return c == ',' || c == '.' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')';
    }

    static String headingKey(String heading) {
        StringBuilder sb = new StringBuilder(heading.length());
        for (int i = 0; i < heading.length(); i++) {
            char c = heading.charAt(i);
            if (Character.isWhitespace(c) || TextNormalizer.isSpaceLike(c)) {
                if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ' ') {
                    sb.append(' ');
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString().trim().toLowerCase(Locale.ROOT);
    }

    private static boolean isBlank(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isWhitespace(s.charAt(i)) && !TextNormalizer.isSpaceLike(s.charAt(i))
                    && !TextNormalizer.isDeleted(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
