package org.bg2vec.prepare;

import java.io.Closeable;
import java.io.IOException;

/** Pulls the records of one split, one at a time (so a task never holds a whole dump in memory). */
public interface RecordReader extends Closeable {

    /** The next record, or null when the split is done. */
    SourceRecord next() throws IOException;
}
