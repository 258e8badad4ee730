package org.bg2vec.prepare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A multistream dump's {@code -index.txt(.bz2)}: lines {@code offset:page_id:title}, where {@code offset} is the
 * byte offset of the bz2 stream holding the page (100 pages per stream). Only the distinct offsets matter here:
 * each one starts a bz2 stream that can be decoded on its own.
 */
public final class MultistreamIndex {

    private MultistreamIndex() {
    }

    /**
     * The distinct stream offsets, sorted.
     *
     * @param in   the index's text (already decompressed)
     * @param name the index file, for messages
     */
    public static long[] streamOffsets(InputStream in, String name) throws IOException {
        TreeSet<Long> offsets = new TreeSet<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        String line;
        long lineNo = 0;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            try {
                if (colon <= 0) {
                    throw new NumberFormatException("no ':'");
                }
                long off = Long.parseLong(line.substring(0, colon));
                if (off < 0) {
                    throw new NumberFormatException("negative");
                }
                offsets.add(off);
            } catch (NumberFormatException e) {
                throw new DumpReadException(name + " line " + lineNo + " is not 'offset:page_id:title': '"
                        + abbreviate(line) + "'. Is this a multistream index file?");
            }
        }
        if (offsets.isEmpty()) {
            throw new DumpReadException(name + ": the multistream index is empty");
        }
        long[] out = new long[offsets.size()];
        int i = 0;
        for (long o : offsets) {
            out[i++] = o;
        }
        return out;
    }

    /**
     * Groups the streams into byte ranges of about {@code targetBytes} compressed bytes each. The ranges cover
     * the whole file: the first starts at 0 (it holds the {@code <siteinfo>} header stream), the last ends at
     * the end of the file (it holds the closing stream), and every other boundary is a stream start.
     *
     * @return pairs {start, end}
     */
    public static List<long[]> ranges(long[] offsets, long fileBytes, long targetBytes, String dumpName) {
        if (offsets[offsets.length - 1] >= fileBytes) {
            throw new DumpReadException("the multistream index lists a stream at byte " + offsets[offsets.length - 1]
                    + " but " + dumpName + " has only " + fileBytes + " bytes: the index belongs to another dump"
                    + " (or the dump is truncated)");
        }
        List<long[]> out = new ArrayList<>();
        long start = 0;
        for (long off : offsets) {
            if (off > start && off - start >= targetBytes) {
                out.add(new long[]{start, off});
                start = off;
            }
        }
        out.add(new long[]{start, fileBytes});
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
