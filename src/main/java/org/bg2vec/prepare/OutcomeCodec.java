package org.bg2vec.prepare;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A compact binary form of {@link Outcome}s for the job's caches and shuffles: Spark then moves byte arrays,
 * whatever serializer the session uses (Java serialization of records costs several times more), and the
 * de-duplication reads a sample's id and text hash without decoding the rest.
 *
 * <p>Layout: one kind byte, then for a sample {@code sample_id, page_id, text hash} (8 bytes each, big-endian),
 * title, lead, text (varint byte length + 1, 0 for null, then UTF-8), the ids ({@code Writer.putIds}); for a
 * reject: page id (varint + 1, 0 for null), title, source, reason, detail; for counts: varint entries, then
 * (key, varint value) pairs. Only this class reads and writes it; nothing stores it.
 */
public final class OutcomeCodec {

    public static final byte SAMPLE = 1;
    public static final byte REJECT = 2;
    public static final byte COUNTS = 3;

    private OutcomeCodec() {
    }

    public static byte[] encode(Outcome o) {
        if (o instanceof Sample s) {
            return encodeSample(s);
        }
        Writer w = new Writer(256);
        if (o instanceof Reject r) {
            w.put(REJECT).putVarlong(r.pageId() == null ? 0 : r.pageId() + 1).putString(r.title())
                    .putString(r.source()).putString(r.reason()).putString(r.detail());
        } else if (o instanceof CountsOutcome c) {
            w.put(COUNTS).putVarint(c.counts().size());
            c.counts().forEach((k, v) -> w.putString(k).putVarlong(v));
        }
        return w.bytes();
    }

    /** A sample in an array of exactly its size (a text's bytes are copied once, not through a growing buffer). */
    private static byte[] encodeSample(Sample s) {
        byte[] title = utf8(s.title());
        byte[] lead = utf8(s.lead());
        byte[] text = s.text().getBytes(StandardCharsets.UTF_8);
        int size = 1 + 3 * 8 + Writer.stringSize(title) + Writer.stringSize(lead) + Writer.stringSize(text)
                + Writer.idsSize(s.ids());
        return new Writer(size).put(SAMPLE).putLong(s.sampleId()).putLong(s.pageId())
                .putLong(StableHash.textHash(text)).putUtf8(title).putUtf8(lead).putUtf8(text).putIds(s.ids())
                .bytes();
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    public static Outcome decode(byte[] b) {
        Reader r = new Reader(b);
        switch (r.get()) {
            case SAMPLE -> {
                long sampleId = r.getLong();
                long pageId = r.getLong();
                r.getLong();
                String title = r.getString();
                String lead = r.getString();
                String text = r.getString();
                return new Sample(sampleId, pageId, title, lead, text, r.getIds());
            }
            case REJECT -> {
                long id = r.getVarlong();
                return new Reject(id == 0 ? null : id - 1, r.getString(), r.getString(), r.getString(),
                        r.getString());
            }
            case COUNTS -> {
                Map<String, Long> counts = new TreeMap<>();
                for (int i = r.getVarint(); i > 0; i--) {
                    counts.put(r.getString(), r.getVarlong());
                }
                return new CountsOutcome(counts);
            }
            default -> throw new IllegalArgumentException("not an encoded outcome: kind " + b[0]);
        }
    }

    /**
     * An encoded sample's fields without decoding its strings: title, lead and text stay UTF-8 slices of the
     * encoded bytes, for a writer that stores UTF-8 (the shard writer: no decoding and re-encoding per text).
     */
    public static SampleBytes sampleBytes(byte[] b) {
        Reader r = new Reader(b);
        if (r.get() != SAMPLE) {
            throw new IllegalArgumentException("not an encoded sample: kind " + b[0]);
        }
        long sampleId = r.getLong();
        long pageId = r.getLong();
        r.getLong();
        int[] at = new int[SampleBytes.STRINGS];
        int[] length = new int[SampleBytes.STRINGS];
        for (int i = 0; i < SampleBytes.STRINGS; i++) {
            length[i] = r.getVarint() - 1;
            at[i] = r.at;
            r.at += Math.max(0, length[i]);
        }
        return new SampleBytes(b, sampleId, pageId, at, length, r.getIds());
    }

    /**
     * A sample as {@link #sampleBytes} reads it: string {@code i} ({@link #TITLE}, {@link #LEAD}, {@link #TEXT})
     * is {@code length[i]} UTF-8 bytes of {@code bytes} from {@code at[i]} (length -1: null).
     */
    public record SampleBytes(byte[] bytes, long sampleId, long pageId, int[] at, int[] length, int[] ids) {
        public static final int TITLE = 0;
        public static final int LEAD = 1;
        public static final int TEXT = 2;
        static final int STRINGS = 3;
    }

    public static byte kind(byte[] b) {
        return b[0];
    }

    /** The sample id of an encoded sample. */
    public static long sampleId(byte[] sample) {
        return longAt(sample, 1);
    }

    /** The page id of an encoded sample. */
    public static long pageId(byte[] sample) {
        return longAt(sample, 9);
    }

    /** {@link Dedup#textKey} of an encoded sample. */
    public static long textKey(byte[] sample) {
        return longAt(sample, 17);
    }

    private static long longAt(byte[] b, int at) {
        long v = 0;
        for (int i = at; i < at + 8; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    private static final class Writer {
        private byte[] buf;
        private int n;

        Writer(int capacity) {
            buf = new byte[capacity];
        }

        /** The bytes {@link #putUtf8} writes for a string's UTF-8 (null: a null string). */
        static int stringSize(byte[] utf8) {
            return utf8 == null ? 1 : varintSize(utf8.length + 1) + utf8.length;
        }

        /** The bytes {@link #putIds} writes. */
        static int idsSize(int[] ids) {
            boolean wide = isWide(ids);
            return varintSize(2 * ids.length + (wide ? 1 : 0)) + (wide ? 4 : 2) * ids.length;
        }

        /** The bytes of {@code v} as a varint (7 bits a byte). */
        private static int varintSize(long v) {
            return Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 6) / 7);
        }

        private static boolean isWide(int[] ids) {
            boolean wide = false;
            for (int id : ids) {
                wide |= (id >>> 16) != 0;
            }
            return wide;
        }

        Writer put(byte b) {
            ensure(1);
            buf[n++] = b;
            return this;
        }

        Writer putLong(long v) {
            ensure(8);
            for (int i = 56; i >= 0; i -= 8) {
                buf[n++] = (byte) (v >>> i);
            }
            return this;
        }

        Writer putVarint(int v) {
            return putVarlong(v & 0xffffffffL);
        }

        Writer putVarlong(long v) {
            ensure(varintSize(v));
            while ((v & ~0x7FL) != 0) {
                buf[n++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[n++] = (byte) v;
            return this;
        }

        /**
         * Ids: varint {@code 2 * count + wide}, then 2 bytes per id, little-endian (4 when {@code wide}: an id is
         * 2^16 or more).
         */
        Writer putIds(int[] ids) {
            boolean wide = isWide(ids);
            int width = wide ? 4 : 2;
            putVarint(2 * ids.length + (wide ? 1 : 0));
            ensure(width * ids.length);
            for (int id : ids) {
                for (int k = 0; k < width; k++) {
                    buf[n++] = (byte) (id >>> 8 * k);
                }
            }
            return this;
        }

        Writer putString(String s) {
            return s == null ? putVarint(0) : putUtf8(s.getBytes(StandardCharsets.UTF_8));
        }

        /** A string's UTF-8 (null: a null string). */
        Writer putUtf8(byte[] utf8) {
            if (utf8 == null) {
                return putVarint(0);
            }
            putVarint(utf8.length + 1);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buf, n, utf8.length);
            n += utf8.length;
            return this;
        }

        private void ensure(int more) {
            if (n + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(n + more, 2 * buf.length));
            }
        }

        byte[] bytes() {
            return n == buf.length ? buf : Arrays.copyOf(buf, n);
        }
    }

    private static final class Reader {
        private final byte[] b;
        private int at;

        Reader(byte[] b) {
            this.b = b;
        }

        byte get() {
            return b[at++];
        }

        long getLong() {
            long v = longAt(b, at);
            at += 8;
            return v;
        }

        int getVarint() {
            return (int) getVarlong();
        }

        long getVarlong() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                byte x = b[at++];
                v |= (long) (x & 0x7F) << shift;
                if (x >= 0) {
                    return v;
                }
            }
        }

        int[] getIds() {
            int header = getVarint();
            int[] ids = new int[header >>> 1];
            if ((header & 1) == 0) {
                for (int i = 0; i < ids.length; i++, at += 2) {
                    ids[i] = (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
                }
            } else {
                for (int i = 0; i < ids.length; i++, at += 4) {
                    ids[i] = (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | b[at + 3] << 24;
                }
            }
            return ids;
        }

        String getString() {
            int len = getVarint() - 1;
            if (len < 0) {
                return null;
            }
            String s = new String(b, at, len, StandardCharsets.UTF_8);
            at += len;
            return s;
        }
    }
}
