package org.bg2vec.prepare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a UTF-8 stream (ended by {@code \n}, {@code \r\n} or {@code \r}, like {@code BufferedReader}), each
 * with its number and byte offset. A line longer than the cap is skipped to its end without being held in memory,
 * so a file without newlines cannot exhaust the heap.
 */
final class LineReader {

    /**
     * One line.
     *
     * @param text   the line without its terminator; null when it was longer than the cap
     * @param number 1-based line number
     * @param offset byte offset of the line's first byte in the stream
     * @param bytes  the line's length in bytes (without the terminator)
     */
    record Line(String text, long number, long offset, long bytes) {
        boolean tooLong() {
            return text == null;
        }
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private long bufferStart;
    private boolean eof;
    private byte[] line = new byte[1 << 10];
    private long number;

    LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        if (!fill()) {
            return null;
        }
        long offset = bufferStart + pos;
        long length = 0;
        int kept = 0;
        while (fill()) {
            int end = pos;
            while (end < limit && buf[end] != '\n' && buf[end] != '\r') {
                end++;
            }
            int n = end - pos;
            if (length + n <= maxBytes) {
                ensure(kept + n);
                System.arraycopy(buf, pos, line, kept, n);
                kept += n;
            }
            length += n;
            pos = end;
            if (end < limit) {
                byte terminator = buf[pos++];
                if (terminator == '\r' && fill() && buf[pos] == '\n') {
                    pos++;
                }
                break;
            }
        }
        number++;
        String text = length <= maxBytes ? new String(line, 0, kept, StandardCharsets.UTF_8) : null;
        return new Line(text, number, offset, length);
    }

    /** Makes at least one byte available; false at the end of the stream. */
    private boolean fill() throws IOException {
        while (pos >= limit && !eof) {
            bufferStart += limit;
            pos = 0;
            limit = 0;
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                eof = true;
            } else {
                limit = n;
            }
        }
        return pos < limit;
    }

    private void ensure(int capacity) {
        if (capacity > line.length) {
            line = Arrays.copyOf(line, Math.max(capacity, Math.min(maxBytes, 2 * line.length)));
        }
    }
}
