package org.bg2vec.prepare;

/**
 * A page of a MediaWiki export as parsed from its {@code <page>} element, before cleaning.
 *
 * @param id       {@code <page><id>} (-1 when absent)
 * @param ns       {@code <ns>} (null when the element is absent)
 * @param title    {@code <title>}
 * @param redirect whether the page has a {@code <redirect>} element
 * @param text     wikitext of the last {@code <revision>} ("" when none)
 */
public record RawPage(long id, Integer ns, String title, boolean redirect, String text) {
}
