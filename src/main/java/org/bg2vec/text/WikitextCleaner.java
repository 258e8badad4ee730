package org.bg2vec.text;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Turns the wikitext of one article into plain text ({@link CleanedArticle}).
 *
 * <p>Removed: templates {@code {{…}}} (nested), tables {@code {|…|}}, {@code <ref>…</ref>} and
 * {@code <ref …/>}, {@code <references/>}, comments, {@code <math>}, {@code <code>}, {@code <gallery>},
 * {@code <timeline>}, {@code <pre>} and similar, magic words {@code __…__} (any language), file/image/media
 * links with their captions, category links and interlanguage links. Kept as text: internal link labels,
 * external link titles, bold/italic content, list items, decoded HTML entities, content of inline HTML
 * tags and of {@code <nowiki>}. Headings become section boundaries; footer sections from the config are
 * dropped. Every paragraph is normalised by {@link TextNormalizer}.
 *
 * <p>The cleaner is immutable and thread-safe; {@link #clean} allocates its working state per call. It
 * never throws on malformed markup: unclosed openers are dropped and their content kept, unclosed tables
 * run to the end of the page.
 */
public final class WikitextCleaner {

    private final CleaningConfig config;
    private final Set<String> fileNamespaces;
    private final Set<String> categoryNamespaces;
    private final Set<String> dropSections;

    public WikitextCleaner(CleaningConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.fileNamespaces = lowerCase(config.fileNamespaces());
        this.categoryNamespaces = lowerCase(config.categoryNamespaces());
        this.dropSections = Set.copyOf(ArticleBuilder.headingKeys(config.dropSections()));
    }

    /** A cleaner with {@link CleaningConfig#defaults()}. */
    public WikitextCleaner() {
        this(CleaningConfig.defaults());
    }

    public CleaningConfig config() {
        return config;
    }

    /**
     * Cleans one page.
     *
     * @param title    page title (copied into the result)
     * @param wikitext the page's wikitext as stored in the dump (XML entities already decoded); null is
     *                 treated as empty
     */
    public CleanedArticle clean(String title, String wikitext) {
        ArticleBuilder builder = new ArticleBuilder(dropSections, config.keepListItems());
        if (wikitext != null && !wikitext.isEmpty()) {
            new WikitextScanner(wikitext, builder, fileNamespaces, categoryNamespaces).scan();
        }
        return builder.build(title == null ? "" : title);
    }

    private static Set<String> lowerCase(List<String> names) {
        Set<String> set = new HashSet<>();
        for (String name : names) {
            set.add(name.trim().replace('_', ' ').toLowerCase(Locale.ROOT));
        }
        return set;
    }
}
