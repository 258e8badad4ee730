package org.bg2vec.prepare;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts a UTF-8 MediaWiki export stream into {@code <page>…</page>} byte fragments without parsing the XML,
 * so that one page's broken XML cannot derail the pages after it: each fragment is parsed on its own
 * ({@link PageParser}). In an export, {@code <} only starts markup ({@code &lt;} inside text), so the scanner
 * looks at {@code <} bytes only. Works on any fragment of a dump (a multistream byte range, a split of an
 * uncompressed file): text outside pages ({@code <siteinfo>}, the root element) is ignored.
 */
public final class PageScanner implements Closeable {

    private static final byte[] PAGE_OPEN = ascii("<page>");
    private static final byte[] PAGE_CLOSE = ascii("</page>");
    private static final byte[] ROOT_CLOSE = ascii("</mediawiki>");
    private static final int LOOKAHEAD = 16;
    /** Bytes of an over-cap page kept to name it in the rejects (title, id). */
    static final int HEAD_BYTES = 4096;

    private final InputStream in;
    private final long maxPageBytes;
    private final long stopAt;
    private byte[] buf = new byte[1 << 20];
    private int pos;
    private int limit;
    /** absolute stream offset of buf[0] */
    private long base;
    private boolean eof;
    private boolean sawRootClose;
    private boolean sawAnyMarkup;

    private byte[] page = new byte[1 << 16];
    private int pageLen;
    private long pageSize;
    private boolean pageTooLarge;

    /**
     * @param in           UTF-8 bytes of a dump or a part of one
     * @param startOffset  stream offset of the first byte of {@code in} (for reported offsets)
     * @param stopAt       pages starting at or after this stream offset are left to the next split
     *                     ({@code Long.MAX_VALUE}: read to the end)
     * @param maxPageBytes pages larger than this are returned as {@link ScannedPage.Status#TOO_LARGE}
     */
    public PageScanner(InputStream in, long startOffset, long stopAt, long maxPageBytes) {
        this.in = in;
        this.base = startOffset;
        this.stopAt = stopAt;
        this.maxPageBytes = maxPageBytes;
    }

    /** Whether {@code </mediawiki>} was seen outside pages (the end of a complete dump). */
    public boolean sawRootClose() {
        return sawRootClose;
    }

    /** Whether any {@code <} was seen at all (false for an empty or non-XML stream). */
    public boolean sawAnyMarkup() {
        return sawAnyMarkup;
    }

    /**
     * The next page fragment, or null when the stream (or this split) is done.
     *
     * @throws EOFException when the stream ends inside a page (a truncated dump)
     */
    public ScannedPage next() throws IOException {
        if (!findPageOpen()) {
            return null;
        }
        long offset = base + pos;
        if (offset >= stopAt) {
            return null;
        }
        pageLen = 0;
        pageSize = 0;
        pageTooLarge = false;
        int segStart = pos;
        pos += PAGE_OPEN.length;
        while (true) {
            int lt = indexOfLt(pos, limit);
            if (lt < 0 || (!eof && limit - lt < LOOKAHEAD)) {
                int keepFrom = lt < 0 ? limit : lt;
                append(segStart, keepFrom);
                pos = keepFrom;
                if (!fill() && lt < 0) {
                    throw new EOFException("stream ended inside the page starting at byte " + offset
                            + " (" + pageSize + " bytes into it)");
                }
                segStart = pos;
                continue;
            }
            pos = lt;
            if (startsWith(PAGE_CLOSE, pos)) {
                pos += PAGE_CLOSE.length;
                append(segStart, pos);
                return finish(offset, ScannedPage.Status.COMPLETE);
            }
            if (startsWith(PAGE_OPEN, pos)) {
                append(segStart, pos);
                return finish(offset, ScannedPage.Status.UNTERMINATED);
            }
            if (startsWith(ROOT_CLOSE, pos)) {
                // the last page of the dump lacks </page>: reject it, the dump itself is complete
                append(segStart, pos);
                sawRootClose = true;
                return finish(offset, ScannedPage.Status.UNTERMINATED);
            }
            pos++;
        }
    }

    private ScannedPage finish(long offset, ScannedPage.Status status) {
        if (pageTooLarge) {
            return new ScannedPage(offset, pageSize, Arrays.copyOf(page, pageLen), ScannedPage.Status.TOO_LARGE);
        }
        return new ScannedPage(offset, pageSize, Arrays.copyOf(page, pageLen), status);
    }

    /** Moves pos to the next "<page>"; false at the end of the stream. */
    private boolean findPageOpen() throws IOException {
        while (true) {
            int lt = indexOfLt(pos, limit);
            if (lt < 0 || (!eof && limit - lt < LOOKAHEAD)) {
                pos = lt < 0 ? limit : lt;
                if (!fill() && lt < 0) {
                    return false;
                }
                continue;
            }
            pos = lt;
            sawAnyMarkup = true;
            if (startsWith(PAGE_OPEN, pos)) {
                return true;
            }
            if (startsWith(ROOT_CLOSE, pos)) {
                sawRootClose = true;
            }
            pos++;
        }
    }

    private void append(int from, int to) {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        pageSize += n;
        if (pageTooLarge) {
            return;
        }
        if (pageSize > maxPageBytes) {
            pageTooLarge = true;
            int keep = (int) Math.min(HEAD_BYTES, pageLen);
            int more = Math.min(n, HEAD_BYTES - keep);
            if (more > 0) {
                System.arraycopy(buf, from, page, keep, more);
            }
            pageLen = keep + Math.max(0, more);
            return;
        }
        if (pageLen + n > page.length) {
            page = Arrays.copyOf(page, Math.max(page.length * 2, pageLen + n));
        }
        System.arraycopy(buf, from, page, pageLen, n);
        pageLen += n;
    }

    /** Keeps [pos, limit), reads more; false when nothing more could be read. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int keep = limit - pos;
        System.arraycopy(buf, pos, buf, 0, keep);
        base += pos;
        pos = 0;
        limit = keep;
        boolean readAny = false;
        while (limit < buf.length) {
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
                break;
            }
            limit += n;
            readAny = true;
            if (limit - pos >= LOOKAHEAD) {
                break;
            }
        }
        return readAny;
    }

    private int indexOfLt(int from, int to) {
        byte[] b = buf;
        for (int i = from; i < to; i++) {
            if (b[i] == '<') {
                return i;
            }
        }
        return -1;
    }

    private boolean startsWith(byte[] pattern, int at) {
        if (limit - at < pattern.length) {
            return false;
        }
        for (int i = 0; i < pattern.length; i++) {
            if (buf[at + i] != pattern[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
