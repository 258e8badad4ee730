package org.bg2vec.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.bg2vec.format.PreparedData;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * One sample shard written through parquet-mr's public column-writer API: each value goes straight to its column
 * with its repetition and definition levels, instead of through the record consumer's per-field bookkeeping (per
 * list element it resets a bit set and looks a null cache up; a sample has two lists of up to max_seq_length ids).
 * The file is the one {@code ParquetWriter} writes of the same rows with the same {@link #properties} (Snappy,
 * the same row-group sizing and footer), which {@code ShardWriterTest} checks byte for byte.
 */
final class SampleShardFile implements Closeable {

    private final ParquetFileWriter file;
    private final ParquetProperties props = properties();
    private final CodecFactory codecs;
    private final CodecFactory.BytesCompressor compressor;
    private final List<ColumnDescriptor> leaves = PreparedData.SAMPLE_SCHEMA.getColumns();
    private final long rowGroupBytes;
    private long nextRowGroupBytes;
    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore store;
    private final ColumnWriter[] columns = new ColumnWriter[leaves.size()];
    private long rowsInGroup;
    private long nextSizeCheck;

    /** A new file at {@code path} (overwritten) whose row groups stay under {@code rowGroupBytes}. */
    SampleShardFile(Configuration conf, Path path, long rowGroupBytes) throws IOException {
        this.rowGroupBytes = rowGroupBytes;
        this.nextRowGroupBytes = rowGroupBytes;
        file = new ParquetFileWriter(HadoopOutputFile.fromPath(path, conf), PreparedData.SAMPLE_SCHEMA,
                ParquetFileWriter.Mode.OVERWRITE, rowGroupBytes, ParquetWriter.MAX_PADDING_SIZE_DEFAULT,
                props.getColumnIndexTruncateLength(), props.getStatisticsTruncateLength(),
                props.getPageWriteChecksumEnabled());
        file.start();
        codecs = new CodecFactory(conf, props.getPageSizeThreshold());
        compressor = codecs.getCompressor(CompressionCodecName.SNAPPY);
        startRowGroup();
    }

    /** A new file with parquet-mr's default row-group size (128 MiB). */
    SampleShardFile(Configuration conf, Path path) throws IOException {
        this(conf, path, ParquetWriter.DEFAULT_BLOCK_SIZE);
    }

    /**
     * parquet-mr's defaults, with dictionaries for the id lists only: a sample's id, page id, title and texts are
     * (nearly) all different, so parquet-mr built their dictionaries only to write them plain in the end.
     */
    static ParquetProperties properties() {
        ParquetProperties.Builder b = ParquetProperties.builder().withDictionaryEncoding(false);
        for (String column : DICTIONARY_COLUMNS) {
            b.withDictionaryEncoding(column, true);
        }
        return b.build();
    }

    /** The columns with a dictionary (their paths): the id lists' elements. */
    static final List<String> DICTIONARY_COLUMNS =
            List.of(PreparedData.QUERY_IDS + ".list.element", PreparedData.POSITIVE_IDS + ".list.element");

    /** Appends one sample row; its text (and ids) are both the query and the positive (SimCSE). */
    void write(OutcomeCodec.SampleBytes s) throws IOException {
        columns[0].write(s.sampleId(), 0, 0);
        columns[1].write(s.pageId(), 0, 0);
        columns[2].write(utf8(s, OutcomeCodec.SampleBytes.TITLE), 0, 0);
        columns[3].write(utf8(s, OutcomeCodec.SampleBytes.LEAD), 0, 0);
        Binary text = utf8(s, OutcomeCodec.SampleBytes.TEXT);
        columns[4].write(text, 0, 0);
        columns[5].write(text, 0, 0);
        ids(columns[6], s.ids());
        ids(columns[7], s.ids());
        store.endRecord();
        rowsInGroup++;
        if (rowsInGroup >= nextSizeCheck) {
            checkRowGroupSize();
        }
    }

    /** Flushes the last row group and writes the footer. */
    @Override
    public void close() throws IOException {
        try {
            flushRowGroup();
            file.end(Map.of(ParquetWriter.OBJECT_MODEL_NAME_PROP, ShardWriter.MODEL_NAME));
        } finally {
            codecs.release();
        }
    }

    /**
     * A required list of required ints in the 3-level layout: definition level 1 for an element, repetition level
     * 0 for a row's first and 1 after; an empty list is one null at definition level 0.
     */
    private static void ids(ColumnWriter column, int[] ids) {
        if (ids.length == 0) {
            column.writeNull(0, 0);
            return;
        }
        column.write(ids[0], 0, 1);
        for (int i = 1; i < ids.length; i++) {
            column.write(ids[i], 1, 1);
        }
    }

    /** String {@code i} of a sample: the same bytes {@link Binary#fromString} would give, without a copy. */
    private static Binary utf8(OutcomeCodec.SampleBytes s, int i) {
        if (s.length()[i] < 0) {
            throw new IllegalArgumentException("sample " + s.sampleId() + " of page " + s.pageId()
                    + " has a null " + PreparedData.SAMPLE_COLUMNS.get(2 + i) + " (a bug in prepare)");
        }
        return Binary.fromConstantByteArray(s.bytes(), s.at()[i], s.length()[i]);
    }

    private void startRowGroup() {
        pages = new ColumnChunkPageWriteStore(compressor, PreparedData.SAMPLE_SCHEMA, props.getAllocator(),
                props.getColumnIndexTruncateLength(), props.getPageWriteChecksumEnabled());
        store = props.newColumnWriteStore(PreparedData.SAMPLE_SCHEMA, pages, pages);
        for (int i = 0; i < columns.length; i++) {
            columns[i] = store.getColumnWriter(leaves.get(i));
        }
        rowsInGroup = 0;
        nextSizeCheck = props.getMinRowCountForPageSizeCheck();
    }

    /**
     * Measuring the buffered bytes costs a walk over every column, so it is done at intervals, as parquet-mr's
     * writer does: a row group is closed when it is within about two rows of its size; otherwise the next check is
     * halfway to where the rows so far say the limit will be reached (at least the minimum, at most the maximum
     * page-size-check row count ahead).
     */
    private void checkRowGroupSize() throws IOException {
        long buffered = store.getBufferedSize();
        long rowBytes = buffered / rowsInGroup;
        if (buffered > nextRowGroupBytes - 2 * rowBytes) {
            long rows = rowsInGroup;
            flushRowGroup();
            startRowGroup();
            nextSizeCheck = Math.min(Math.max(props.getMinRowCountForPageSizeCheck(), rows / 2),
                    props.getMaxRowCountForPageSizeCheck());
        } else {
            long halfway = (rowsInGroup + (long) (nextRowGroupBytes / (float) rowBytes)) / 2;
            nextSizeCheck = Math.min(Math.max(props.getMinRowCountForPageSizeCheck(), halfway),
                    rowsInGroup + props.getMaxRowCountForPageSizeCheck());
        }
    }

    private void flushRowGroup() throws IOException {
        if (rowsInGroup > 0) {
            file.startBlock(rowsInGroup);
            store.flush();
            pages.flushToFileWriter(file);
            file.endBlock();
            nextRowGroupBytes = Math.min(file.getNextRowGroupSize(), rowGroupBytes);
        }
        store.close();
    }
}
