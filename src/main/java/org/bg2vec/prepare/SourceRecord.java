package org.bg2vec.prepare;

/** One record read from an input, before selection and cleaning. */
public sealed interface SourceRecord {

    /** A parsed page of a MediaWiki XML dump (wikitext still to clean). */
    record WikiPage(RawPage page) implements SourceRecord {
    }

    /** An already-clean article from Parquet or JSONL (cleaning skipped). */
    record PlainArticle(long pageId, String title, String text) implements SourceRecord {
    }

    /** A page or row that could not be read. */
    record Rejected(Reject reject) implements SourceRecord {
    }
}
