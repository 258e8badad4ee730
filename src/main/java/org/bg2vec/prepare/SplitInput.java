package org.bg2vec.prepare;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.zip.GZIPInputStream;

/**
 * Opens a {@link DumpSplit} through Hadoop's FileSystem ({@code file:}, {@code hdfs:}, {@code s3a:}) as UTF-8
 * bytes: seeks to the split, bounds a multistream range, decompresses (bz2 with concatenated streams on,
 * otherwise everything after the first stream would be silently lost), skips a BOM, re-encodes UTF-16 as
 * UTF-8. Any read error becomes a {@link DumpReadException} naming the file and the compressed byte offset.
 */
public final class SplitInput implements Closeable {

    private static final int BUFFER = 1 << 16;

    private final DumpSplit split;
    private final CountingInputStream counted;
    private final InputStream utf8;

    private SplitInput(DumpSplit split, CountingInputStream counted, InputStream utf8) {
        this.split = split;
        this.counted = counted;
        this.utf8 = utf8;
    }

    /** Opens the split; a range that does not start a bz2 stream is a {@link DumpReadException}. */
    public static SplitInput open(DumpSplit split, Configuration conf) throws IOException {
        Path path = new Path(split.path());
        FileSystem fs = path.getFileSystem(conf);
        FSDataInputStream raw = fs.open(path);
        try {
            if (split.start() > 0) {
                raw.seek(split.start());
            }
            long limit = split.kind() == DumpSplit.Kind.BZ2_STREAMS ? split.end() - split.start() : Long.MAX_VALUE;
            CountingInputStream counted = new CountingInputStream(raw, limit);
            InputStream decoded = decompress(split, new BufferedInputStream(counted, BUFFER));
            InputStream guarded = new Guarded(decoded, split, counted);
            if (split.start() == 0 && split.bomLength() > 0) {
                guarded.readNBytes(split.bomLength());
            }
            Charset cs = Charset.forName(split.charset());
            InputStream utf8 = cs.name().equals("UTF-8") ? guarded : new Utf8Transcoder(guarded, cs);
            return new SplitInput(split, counted, utf8);
        } catch (IOException | RuntimeException e) {
            raw.close();
            if (e instanceof DumpReadException d) {
                throw d;
            }
            throw new DumpReadException(split.describe() + ": cannot open: " + e.getMessage(), e);
        }
    }

    private static InputStream decompress(DumpSplit split, InputStream in) throws IOException {
        switch (split.compression()) {
            case BZIP2 -> {
                if (split.kind() == DumpSplit.Kind.BZ2_STREAMS) {
                    in.mark(3);
                    byte[] magic = in.readNBytes(3);
                    in.reset();
                    if (magic.length < 3 || magic[0] != 'B' || magic[1] != 'Z' || magic[2] != 'h') {
                        throw new DumpReadException(split.path() + ": no bz2 stream starts at byte " + split.start()
                                + " although the multistream index says one does: the index does not belong to"
                                + " this dump (use the -index file of the same dump date)");
                    }
                }
                try {
                    return new BZip2CompressorInputStream(in, true);
                } catch (IOException e) {
                    throw new DumpReadException(split.describe() + ": not bz2 data (" + e.getMessage()
                            + "); is the file really .bz2?", e);
                }
            }
            case GZIP -> {
                return new GZIPInputStream(in, BUFFER);
            }
            default -> {
                return in;
            }
        }
    }

    /** UTF-8 bytes of the split. */
    public InputStream utf8() {
        return utf8;
    }

    /** Where reading is now, in the file's own bytes, for messages. */
    public String position() {
        return position(split, counted);
    }

    private static String position(DumpSplit split, CountingInputStream counted) {
        long at = split.start() + counted.count();
        String kind = split.compression() == Compression.NONE ? "byte " : "compressed byte ~";
        return kind + at + " of " + split.fileBytes();
    }

    @Override
    public void close() throws IOException {
        utf8.close();
    }

    /** Turns read errors (truncated or corrupt compressed data) into a message with the file and offset. */
    private static final class Guarded extends FilterInputStream {
        private final DumpSplit split;
        private final CountingInputStream counted;

        Guarded(InputStream in, DumpSplit split, CountingInputStream counted) {
            super(in);
            this.split = split;
            this.counted = counted;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw fail(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw fail(e);
            }
        }

        private DumpReadException fail(IOException e) {
            return new DumpReadException(split.path() + ": data truncated or corrupt near "
                    + position(split, counted) + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "). Re-download the file and check it against the dump's published checksums.", e);
        }
    }
}
