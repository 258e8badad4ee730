package org.bg2vec.prepare;

/**
 * A page (or row) that could not be used, for {@code rejects/}: nothing disappears silently.
 *
 * @param pageId page id, null when it could not be read
 * @param title  page title, null when it could not be read
 * @param source the input file
 * @param reason one of the {@link Reasons} constants
 * @param detail what went wrong and where (offset, line, parser message, leftover context)
 */
public record Reject(Long pageId, String title, String source, String reason, String detail) implements Outcome {
}
