package org.bg2vec.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Plain text of one article after wikitext cleaning, split into sections at headings. Headings are
 * not part of the text; footer sections ("Източници", ...) are already dropped.
 *
 * @param title    the page title as given to the cleaner
 * @param sections sections in page order; the lead section (text before the first heading) has heading
 *                 {@code ""}; sections without paragraphs are omitted
 */
public record CleanedArticle(String title, List<Section> sections) {

    /**
     * One section of an article.
     *
     * @param heading    the cleaned heading text, {@code ""} for the lead section
     * @param paragraphs normalised, non-empty paragraphs (a list item is a paragraph of its own)
     */
    public record Section(String heading, List<String> paragraphs) {
        public Section {
            Objects.requireNonNull(heading, "heading");
            paragraphs = List.copyOf(paragraphs);
        }
    }

    public CleanedArticle {
        Objects.requireNonNull(title, "title");
        sections = List.copyOf(sections);
    }

    /** All paragraphs of all sections, in order. */
    public List<String> paragraphs() {
        List<String> all = new ArrayList<>();
        for (Section s : sections) {
            all.addAll(s.paragraphs());
        }
        return all;
    }

    /** All paragraphs joined with {@code "\n"}; {@code ""} for an article without text. */
    public String text() {
        return String.join("\n", paragraphs());
    }

    /**
     * The first non-empty paragraph (normally the lead sentence(s) "X е ..."), or {@code ""}; used by the
     * evaluation to match titles to leads.
     */
    public String lead() {
        for (Section s : sections) {
            for (String p : s.paragraphs()) {
                if (!p.isEmpty()) {
                    return p;
                }
            }
        }
        return "";
    }

    /** True when the article has no text at all. */
    public boolean isEmpty() {
        return lead().isEmpty();
    }
}
