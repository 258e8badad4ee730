package org.bg2vec.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import java.io.IOException;
import java.util.Iterator;

/**
 * Writes sample shards and the rejects file as Parquet, with a fixed schema and no per-run metadata, so the same
 * rows in the same order give byte-identical files. Lists use the standard 3-level layout Spark reads as
 * {@code array<int>}. A file is written under a task-attempt name and renamed into place, so retried or
 * speculative tasks never leave half-written shards.
 */
public final class ShardWriter {

    /** Columns of {@code train/} and {@code validation/} shards. */
    public static final MessageType SAMPLE_SCHEMA = MessageTypeParser.parseMessageType("""
            message sample {
              required int64 sample_id;
              required int64 page_id;
              required binary title (STRING);
              required binary lead (STRING);
              required binary query (STRING);
              required binary positive (STRING);
              required group query_ids (LIST) { repeated group list { required int32 element; } }
              required group positive_ids (LIST) { repeated group list { required int32 element; } }
            }""");

    /** Columns of {@code rejects/}. */
    public static final MessageType REJECT_SCHEMA = MessageTypeParser.parseMessageType("""
            message reject {
              optional int64 page_id;
              optional binary title (STRING);
              required binary source (STRING);
              required binary reason (STRING);
              required binary detail (STRING);
            }""");

    private ShardWriter() {
    }

    /** Shard file name for index {@code i}: {@code part-00000.parquet}, … (sortable). */
    public static String shardName(int i) {
        return String.format("part-%05d.parquet", i);
    }

    /** Writes samples (in the iterator's order) to {@code file}; returns the number written. */
    public static long writeSamples(Configuration conf, Path file, String attempt, Iterator<Sample> samples)
            throws IOException {
        SimpleGroupFactory f = new SimpleGroupFactory(SAMPLE_SCHEMA);
        return write(conf, file, attempt, SAMPLE_SCHEMA, w -> {
            long n = 0;
            while (samples.hasNext()) {
                Sample s = samples.next();
                Group g = f.newGroup()
                        .append("sample_id", s.sampleId())
                        .append("page_id", s.pageId())
                        .append("title", s.title())
                        .append("lead", s.lead())
                        .append("query", s.text())
                        .append("positive", s.text());
                ids(g.addGroup("query_ids"), s.ids());
                ids(g.addGroup("positive_ids"), s.ids());
                w.write(g);
                n++;
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
        SimpleGroupFactory f = new SimpleGroupFactory(REJECT_SCHEMA);
        return write(conf, file, attempt, REJECT_SCHEMA, w -> {
            long n = 0;
            while (rejects.hasNext()) {
                Reject r = rejects.next();
                Group g = f.newGroup();
                if (r.pageId() != null) {
                    g.append("page_id", r.pageId());
                }
                if (r.title() != null) {
                    g.append("title", r.title());
                }
                g.append("source", r.source()).append("reason", r.reason())
                        .append("detail", r.detail() == null ? "" : r.detail());
                w.write(g);
                n++;
            }
            return n;
        });
    }

    private static void ids(Group list, int[] ids) {
        for (int id : ids) {
            list.addGroup("list").append("element", id);
        }
    }

    private interface Body {
        long write(ParquetWriter<Group> w) throws IOException;
    }

    private static long write(Configuration conf, Path file, String attempt, MessageType schema, Body body)
            throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        Path tmp = new Path(file.getParent(), "_attempt-" + attempt + "-" + file.getName());
        long n;
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(tmp)
                .withConf(conf)
                .withType(schema)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withValidation(false)
                .build()) {
            n = body.write(w);
        }
        if (fs.exists(file)) {
            // another attempt of the same task finished first: the content is the same, keep it
            fs.delete(tmp, false);
        } else if (!fs.rename(tmp, file)) {
            throw new IOException("cannot rename " + tmp + " to " + file);
        }
        return n;
    }
}
