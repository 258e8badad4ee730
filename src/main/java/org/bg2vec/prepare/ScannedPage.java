package org.bg2vec.prepare;

/**
 * One {@code <page>…</page>} fragment cut out of a dump by {@link PageScanner}, before XML parsing.
 *
 * @param offset byte offset of {@code <page>} in the (decompressed, UTF-8) stream the scanner read
 * @param size   bytes from {@code <page>} to the end of {@code </page>} (or to where the page was cut off)
 * @param xml    the fragment's UTF-8 bytes; only its first bytes when the page was larger than the cap
 * @param status how the fragment ended
 */
public record ScannedPage(long offset, long size, byte[] xml, Status status) {

    /** How a page fragment ended. */
    public enum Status {
        /** {@code </page>} found: the fragment is ready to parse. */
        COMPLETE,
        /** Larger than the per-page cap: skipped up to its {@code </page>}, bytes not kept. */
        TOO_LARGE,
        /** A new {@code <page>} (or {@code </mediawiki>}) came before this one's {@code </page>}: the page is broken. */
        UNTERMINATED
    }
}
