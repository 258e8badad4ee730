package org.bg2vec.prepare;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Line splitting with offsets and the length cap, checked against hand-counted bytes. */
class LineReaderTest {

    static List<LineReader.Line> lines(InputStream in, int max) throws IOException {
        LineReader r = new LineReader(in, max);
        List<LineReader.Line> out = new ArrayList<>();
        for (LineReader.Line l = r.next(); l != null; l = r.next()) {
            out.add(l);
        }
        return out;
    }

    @Test
    void terminatorsOffsetsAndTheCapAtItsEdge() throws IOException {
        byte[] text = "ab\r\nцд\rxyz\n\n12345\n123456".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of(
                new LineReader.Line("ab", 1, 0, 2),
                new LineReader.Line("цд", 2, 4, 4),
                new LineReader.Line("xyz", 3, 9, 3),
                new LineReader.Line("", 4, 13, 0),
                new LineReader.Line("12345", 5, 14, 5),
                new LineReader.Line(null, 6, 20, 6)), lines(new ByteArrayInputStream(text), 5));
        assertEquals(List.of(), lines(new ByteArrayInputStream(new byte[0]), 5));
        assertEquals(1, lines(new ByteArrayInputStream("x\n".getBytes(StandardCharsets.UTF_8)), 5).size());
    }

    @Test
    void aHugeLineWithoutNewlineIsCountedNotHeld() throws IOException {
        long size = 3L << 30; // 3 GiB of 'a' generated on the fly, then one short line
        InputStream endless = new InputStream() {
            long left = size;
            final byte[] tail = "\nend".getBytes(StandardCharsets.UTF_8);
            int t;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left > 0) {
                    int n = (int) Math.min(len, left);
                    java.util.Arrays.fill(b, off, off + n, (byte) 'a');
                    left -= n;
                    return n;
                }
                if (t == tail.length) {
                    return -1;
                }
                b[off] = tail[t++];
                return 1;
            }
        };
        LineReader r = new LineReader(endless, 1 << 20);
        LineReader.Line first = r.next();
        assertNull(first.text());
        assertEquals(size, first.bytes());
        assertEquals(new LineReader.Line("end", 2, size + 1, 3), r.next());
        assertNull(r.next());
    }
}
