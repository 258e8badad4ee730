package org.bg2vec.prepare;

import org.apache.hadoop.conf.Configuration;

import java.io.IOException;

/** Opens the right {@link RecordReader} for a split. */
public final class SplitReaders {

    private SplitReaders() {
    }

    /** @param maxPageBytes the largest XML page, or JSONL line, read; larger ones become rejects */
    public static RecordReader open(DumpSplit split, Configuration conf, long maxPageBytes) throws IOException {
        SplitInput in = SplitInput.open(split, conf);
        return switch (split.format()) {
            case XML -> new XmlPageReader(split, in, maxPageBytes);
            case JSONL -> new JsonlReader(split, in, maxPageBytes);
            default -> {
                in.close();
                throw new IllegalArgumentException("no split reader for " + split.format() + ": " + split.path());
            }
        };
    }
}
