package org.bg2vec.prepare;

import java.io.Serializable;

/**
 * A piece of one input file that one task reads.
 *
 * <ul>
 *   <li>{@link Kind#WHOLE}: the whole file (single-stream {@code .xml.bz2}, UTF-16 XML, JSONL).</li>
 *   <li>{@link Kind#BZ2_STREAMS}: compressed bytes {@code [start, end)} of a multistream dump, whole bz2 streams
 *       found through the index; decoded on their own.</li>
 *   <li>{@link Kind#XML_RANGE}: an uncompressed UTF-8 dump read from {@code start}; the task takes the pages that
 *       start in {@code [start, end)} (the last one may run past {@code end}).</li>
 * </ul>
 *
 * @param inputIndex  position of the file among the resolved inputs
 * @param path        the file (Hadoop path string)
 * @param fileBytes   its size
 * @param format      {@link InputFormat#XML} or {@link InputFormat#JSONL}
 * @param compression how the bytes are compressed
 * @param kind        see above
 * @param start       first byte (compressed for BZ2_STREAMS)
 * @param end         end byte, exclusive
 * @param charset     the XML encoding detected on the driver
 * @param bomLength   byte-order mark length to skip when {@code start == 0}
 * @param atEnd       whether this split reads to the end of the file (and so must see {@code </mediawiki>})
 */
public record DumpSplit(int inputIndex, String path, long fileBytes, InputFormat format, Compression compression,
                        Kind kind, long start, long end, String charset, int bomLength, boolean atEnd)
        implements Serializable {

    /** How the split's bytes are delimited; see the record's doc. */
    public enum Kind { WHOLE, BZ2_STREAMS, XML_RANGE }

    /** Where the split is, for messages. */
    public String describe() {
        return switch (kind) {
            case WHOLE -> path;
            case BZ2_STREAMS -> path + " (bz2 streams at compressed bytes " + start + ".." + end + ")";
            case XML_RANGE -> path + " (bytes " + start + ".." + end + ")";
        };
    }
}
