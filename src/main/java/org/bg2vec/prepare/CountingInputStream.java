package org.bg2vec.prepare;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read through it, optionally stopping after a limit (a byte range of a file). */
final class CountingInputStream extends FilterInputStream {

    private final long limit;
    private long count;

    /** @param limit bytes to read at most ({@code Long.MAX_VALUE}: no limit) */
    CountingInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        if (count >= limit) {
            return -1;
        }
        int b = super.read();
        if (b >= 0) {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (count >= limit) {
            return -1;
        }
        int n = super.read(b, off, (int) Math.min(len, limit - count));
        if (n > 0) {
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(Math.min(n, limit - count));
        count += s;
        return s;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
