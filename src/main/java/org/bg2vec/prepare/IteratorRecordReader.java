package org.bg2vec.prepare;

import java.util.Iterator;

/** A {@link RecordReader} over records produced elsewhere (Parquet rows converted by the Spark layer). */
public final class IteratorRecordReader implements RecordReader {

    private final Iterator<SourceRecord> records;

    public IteratorRecordReader(Iterator<SourceRecord> records) {
        this.records = records;
    }

    @Override
    public SourceRecord next() {
        return records.hasNext() ? records.next() : null;
    }

    @Override
    public void close() {
        // nothing to release: the producer owns the source
    }
}
