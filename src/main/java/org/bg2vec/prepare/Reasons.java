package org.bg2vec.prepare;

/**
 * The names under which {@code prepare} counts what it leaves out ({@code manifest.json}'s {@code skipped}
 * map) and why it rejects a page ({@code rejects/}'s {@code reason} column).
 */
public final class Reasons {

    // pages skipped on purpose (counted only)
    /** Page outside the main namespace (ns != 0). */
    public static final String NAMESPACE = "namespace";
    /** Redirect page ({@code <redirect>} element or {@code #REDIRECT}-style text). */
    public static final String REDIRECT = "redirect";
    /** Page with no wikitext. */
    public static final String EMPTY = "empty";
    /** Page whose text is empty after cleaning. */
    public static final String EMPTY_AFTER_CLEANING = "empty_after_cleaning";

    // pages rejected (counted and written to rejects/)
    /** Page fragment that is not well-formed XML, or lacks a title/id. */
    public static final String MALFORMED_XML = "malformed_xml";
    /** Page larger than --max-page-bytes. */
    public static final String PAGE_TOO_LARGE = "page_too_large";
    /** Page without {@code <ns>}: cannot tell an article from a talk page. */
    public static final String MISSING_NS = "missing_ns";
    /** Parquet/JSONL row without a usable id, title or text. */
    public static final String BAD_ROW = "bad_row";
    /** The wikitext cleaner failed on the page. */
    public static final String CLEANING_FAILED = "cleaning_failed";
    /** A sample still contained wiki markup after cleaning (a cleaner bug, not data). */
    public static final String MARKUP_LEFTOVER = "markup_leftover";

    // samples dropped by the filters (counted only)
    /** Fewer than --min-tokens tokens. */
    public static final String TOO_FEW_TOKENS = "too_few_tokens";
    /** Cyrillic share below --min-cyrillic. */
    public static final String LOW_CYRILLIC = "low_cyrillic";
    /** Exact duplicate of another sample's text. */
    public static final String DUPLICATE = "duplicate";
    /** Same sample id (same page id in two inputs) as another sample with a different text. */
    public static final String DUPLICATE_SAMPLE_ID = "duplicate_sample_id";
    /** Near-duplicate (MinHashLSH) of another sample. */
    public static final String NEAR_DUPLICATE = "near_duplicate";
    /** Passages beyond {@link SampleIds#MAX_SAMPLES_PER_PAGE} in one page. */
    public static final String TOO_MANY_PASSAGES = "too_many_passages";

    private Reasons() {
    }
}
