package org.bg2vec.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.bg2vec.format.PreparedData;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;

/**
 * Writes sample shards and the rejects file as Parquet, with a fixed schema and no per-run metadata, so the same
 * rows in the same order give byte-identical files. Lists use the standard 3-level layout Spark reads as
 * {@code array<int>}. A file is written under a task-attempt name and renamed into place, so retried or
 * speculative tasks never leave half-written shards.
 */
public final class ShardWriter {

    /** The object model name in every file's footer, as parquet-mr's example writer names it. */
    static final String MODEL_NAME = "example";

    private ShardWriter() {
    }

    /** Shard file name for index {@code i}: {@code part-00000.parquet}, … (sortable). */
    public static String shardName(int i) {
        return String.format("part-%05d.parquet", i);
    }

    /**
     * Writes samples encoded by {@link OutcomeCodec} (in the iterator's order) to {@code file}, their strings
     * straight from the encoded UTF-8 and their values straight to the column writers ({@link SampleShardFile});
     * returns the number written.
     */
    public static long writeSamples(Configuration conf, Path file, String attempt, Iterator<byte[]> encoded)
            throws IOException {
        return publish(conf, file, attempt, tmp -> {
            long n = 0;
            try (SampleShardFile shard = new SampleShardFile(conf, tmp)) {
                while (encoded.hasNext()) {
                    shard.write(OutcomeCodec.sampleBytes(encoded.next()));
                    n++;
                }
            }
            return n;
        });
    }

    /** The order of the rows of the rejects file: source, page id (unreadable ones first), reason, detail. */
    public static String rejectOrder(Reject r) {
        return r.source() + '\u0000' + String.format("%020d", r.pageId() == null ? -1 : r.pageId()) + '\u0000'
                + r.reason() + '\u0000' + r.detail();
    }

    /** Writes rejects (in the iterator's order) to {@code file}; returns the number written. */
    public static long writeRejects(Configuration conf, Path file, String attempt, Iterator<Reject> rejects)
            throws IOException {
        return write(conf, file, attempt, new Rows<>(PreparedData.REJECT_SCHEMA, ShardWriter::reject), rejects);
    }

    /*
     * Reject rows are written straight to Parquet's RecordConsumer, with the same calls (and so the same bytes) as
     * parquet-mr's example Group writer: fields in schema order, absent optional fields skipped.
     */

    private static void reject(RecordConsumer rc, Reject r) {
        if (r.pageId() != null) {
            longField(rc, PreparedData.PAGE_ID, 0, r.pageId());
        }
        if (r.title() != null) {
            stringField(rc, PreparedData.TITLE, 1, r.title());
        }
        stringField(rc, PreparedData.SOURCE, 2, r.source());
        stringField(rc, PreparedData.REASON, 3, r.reason());
        stringField(rc, PreparedData.DETAIL, 4, r.detail() == null ? "" : r.detail());
    }

    private static void longField(RecordConsumer rc, String name, int index, long value) {
        rc.startField(name, index);
        rc.addLong(value);
        rc.endField(name, index);
    }

    private static void stringField(RecordConsumer rc, String name, int index, String value) {
        binaryField(rc, name, index, Binary.fromString(value));
    }

    private static void binaryField(RecordConsumer rc, String name, int index, Binary value) {
        rc.startField(name, index);
        rc.addBinary(value);
        rc.endField(name, index);
    }

    /** One row's fields. */
    private interface RowWriter<T> {
        void write(RecordConsumer rc, T row);
    }

    /** A WriteSupport for one row type, named like the example model so the file metadata stays the same. */
    private static final class Rows<T> extends WriteSupport<T> {
        private final MessageType schema;
        private final RowWriter<T> fields;
        private RecordConsumer consumer;

        Rows(MessageType schema, RowWriter<T> fields) {
            this.schema = schema;
            this.fields = fields;
        }

        @Override
        public String getName() {
            return MODEL_NAME;
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(schema, new HashMap<>());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.consumer = recordConsumer;
        }

        @Override
        public void write(T row) {
            consumer.startMessage();
            fields.write(consumer, row);
            consumer.endMessage();
        }
    }

    private static final class Builder<T> extends ParquetWriter.Builder<T, Builder<T>> {
        private final Rows<T> rows;

        Builder(Path file, Rows<T> rows) {
            super(file);
            this.rows = rows;
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

        @Override
        protected WriteSupport<T> getWriteSupport(Configuration conf) {
            return rows;
        }
    }

    private static <T> long write(Configuration conf, Path file, String attempt, Rows<T> rows, Iterator<T> items)
            throws IOException {
        return publish(conf, file, attempt, tmp -> {
            long n = 0;
            try (ParquetWriter<T> w = new Builder<>(tmp, rows)
                    .withConf(conf)
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withValidation(false)
                    .build()) {
                while (items.hasNext()) {
                    w.write(items.next());
                    n++;
                }
            }
            return n;
        });
    }

    /** Writes a file of rows to a temporary path; returns the number of rows. */
    private interface FileContent {
        long writeTo(Path tmp) throws IOException;
    }

    /**
     * Writes {@code file} under a task-attempt name and renames it into place; when another attempt of the same
     * task got there first, its file (the same rows) is kept. Returns the number of rows.
     */
    private static long publish(Configuration conf, Path file, String attempt, FileContent content)
            throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        Path tmp = new Path(file.getParent(), "_attempt-" + attempt + "-" + file.getName());
        long n = content.writeTo(tmp);
        if (fs.exists(file)) {
            fs.delete(tmp, false);
        } else if (!fs.rename(tmp, file)) {
            throw new IOException("cannot rename " + tmp + " to " + file);
        }
        return n;
    }
}
