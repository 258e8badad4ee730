package org.bg2vec.prepare;

import org.bg2vec.text.CleanedArticle;
import org.bg2vec.text.TextNormalizer;
import org.bg2vec.text.WikitextCleaner;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns one {@link SourceRecord} into samples, rejects and counts: page selection (namespace 0, not a redirect,
 * not empty), wikitext cleaning (XML pages only), then {@link SampleBuilder}. Not thread-safe (one per task).
 */
public final class PageProcessor {

    private final WikitextCleaner cleaner;
    private final SampleBuilder builder;

    public PageProcessor(WikitextCleaner cleaner, SampleBuilder builder) {
        this.cleaner = cleaner;
        this.builder = builder;
    }

    /** Processes one record read from {@code source}. */
    public void process(SourceRecord record, String source, OutcomeSink sink) {
        if (record instanceof SourceRecord.WikiPage w) {
            processPage(w.page(), source, sink);
        } else if (record instanceof SourceRecord.PlainArticle a) {
            processPlain(a, source, sink);
        } else if (record instanceof SourceRecord.Rejected r) {
            sink.count(r.reject().reason());
            sink.accept(r.reject());
        }
    }

    /** The selection rule alone: the skip reason of a page, or null when it is an article to keep. */
    public static String skipReason(RawPage page) {
        if (page.ns() == null) {
            return Reasons.MISSING_NS;
        }
        if (page.ns() != 0) {
            return Reasons.NAMESPACE;
        }
        if (page.redirect() || RedirectText.isRedirect(page.text())) {
            return Reasons.REDIRECT;
        }
        if (page.text().isBlank()) {
            return Reasons.EMPTY;
        }
        return null;
    }

    private void processPage(RawPage page, String source, OutcomeSink sink) {
        String skip = skipReason(page);
        if (skip != null) {
            sink.count(skip);
            return;
        }
        CleanedArticle article;
        try {
            article = cleaner.clean(page.title(), page.text());
        } catch (RuntimeException | StackOverflowError e) {
            sink.count(Reasons.CLEANING_FAILED);
            sink.accept(new Reject(page.id(), page.title(), source, Reasons.CLEANING_FAILED,
                    e.getClass().getSimpleName() + ": " + e.getMessage()));
            return;
        }
        List<String> paragraphs = article.paragraphs();
        if (paragraphs.isEmpty()) {
            sink.count(Reasons.EMPTY_AFTER_CLEANING);
            return;
        }
        builder.build(page.id(), page.title(), source, article.lead(), paragraphs, sink);
    }

    private void processPlain(SourceRecord.PlainArticle a, String source, OutcomeSink sink) {
        List<String> paragraphs = new ArrayList<>();
        for (String p : PlainText.paragraphs(a.text())) {
            String n = TextNormalizer.normalize(p).strip();
            if (!n.isEmpty()) {
                paragraphs.add(n);
            }
        }
        if (paragraphs.isEmpty()) {
            sink.count(Reasons.EMPTY);
            return;
        }
        builder.build(a.pageId(), a.title(), source, paragraphs.get(0), paragraphs, sink);
    }
}
