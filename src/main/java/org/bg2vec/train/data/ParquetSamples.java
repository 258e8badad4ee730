package org.bg2vec.train.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.internal.filter2.columnindex.RowRanges;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.bg2vec.format.PreparedData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * Reads prepared Parquet shards without Spark, one row group at a time (the unit of the seeded
 * read order), projecting only {@code sample_id}, {@code query_ids} and {@code positive_ids}.
 * Rows that cannot be trained on (fewer than 2 tokens in a view, a token id outside the vocabulary,
 * longer than the manifest's max_seq_length) are skipped and counted; the first few are logged
 * with their file and sample id.
 */
public final class ParquetSamples {

    private static final Logger LOG = LoggerFactory.getLogger(ParquetSamples.class);
    private static final int LOGGED_SKIPS = 5;

    /** One row group of one file. */
    public record RowGroup(Path file, int index, long rows) {
    }

    private final Configuration conf;
    private final int vocabSize;
    private final int maxSeqLength;
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong rowsDecoded = new AtomicLong();

    public ParquetSamples(Configuration conf, int vocabSize, int maxSeqLength) {
        this.conf = conf;
        this.vocabSize = vocabSize;
        this.maxSeqLength = maxSeqLength;
    }

    /** The row groups of {@code files}, in file order, from the footers only. */
    public List<RowGroup> rowGroups(List<Path> files) throws IOException {
        List<RowGroup> out = new ArrayList<>();
        for (Path f : files) {
            try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(f, conf))) {
                checkSchema(f, r.getFooter().getFileMetaData().getSchema());
                List<BlockMetaData> blocks = r.getRowGroups();
                for (int i = 0; i < blocks.size(); i++) {
                    out.add(new RowGroup(f, i, blocks.get(i).getRowCount()));
                }
            } catch (IOException e) {
                throw new IOException("cannot read the Parquet footer of " + f + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The trainable samples of one row group, in file order. */
    public List<TrainSample> read(RowGroup g) throws IOException {
        return read(g, 0, g.rows());
    }

    /**
     * The trainable samples among rows [{@code from}, {@code to}) of one row group, in file order. Only the pages
     * holding those rows are read and decoded when the file has an offset index (parquet-mr writes one; else the
     * whole row group is decoded and the other rows dropped).
     */
    public List<TrainSample> read(RowGroup g, long from, long to) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(g.file(), conf))) {
            MessageType schema = r.getFooter().getFileMetaData().getSchema();
            MessageType projection = new MessageType(schema.getName(), schema.getType(PreparedData.SAMPLE_ID),
                    schema.getType(PreparedData.QUERY_IDS), schema.getType(PreparedData.POSITIVE_IDS));
            r.setRequestedSchema(projection);
            RowRanges pagesHolding = pagesHolding(r, g, from, to);
            PageReadStore pages = pagesHolding == null ? r.readRowGroup(g.index())
                    : r.readFilteredRowGroup(g.index(), pagesHolding);
            RecordReader<Group> records = new ColumnIOFactory().getColumnIO(projection)
                    .getRecordReader(pages, new GroupRecordConverter(projection));
            PrimitiveIterator.OfLong rowIndexes = pages.getRowIndexes()
                    .orElse(LongStream.range(0, pages.getRowCount()).iterator());
            List<TrainSample> out = new ArrayList<>((int) Math.min(to - from, pages.getRowCount()));
            rowsDecoded.addAndGet(pages.getRowCount());
            for (long i = 0; i < pages.getRowCount(); i++) {
                Group row = records.read();
                long index = rowIndexes.nextLong();
                if (index >= from && index < to) {
                    addIfTrainable(row, g, out);
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read rows [" + from + ", " + to + ") of row group " + g.index() + " of "
                    + g.file() + ": " + e.getMessage(), e);
        }
    }

    /** The rows of the {@code query_ids} pages that overlap [from, to), or null for the whole row group. */
    private static RowRanges pagesHolding(ParquetFileReader r, RowGroup g, long from, long to) throws IOException {
        if (from <= 0 && to >= g.rows()) {
            return null;
        }
        BlockMetaData block = r.getRowGroups().get(g.index());
        ColumnChunkMetaData ids = block.getColumns().stream()
                .filter(c -> c.getPath().toArray()[0].equals(PreparedData.QUERY_IDS)).findFirst().orElse(null);
        OffsetIndex pages = ids == null ? null : r.readOffsetIndex(ids);
        if (pages == null) {
            return null;
        }
        int[] overlapping = IntStream.range(0, pages.getPageCount())
                .filter(p -> pages.getFirstRowIndex(p) < to && pages.getLastRowIndex(p, g.rows()) >= from)
                .toArray();
        return RowRanges.create(g.rows(), IntStream.of(overlapping).iterator(), pages);
    }

    private void addIfTrainable(Group row, RowGroup g, List<TrainSample> out) {
        long id = row.getLong("sample_id", 0);
        int[] q = ids(row, PreparedData.QUERY_IDS);
        int[] p = ids(row, PreparedData.POSITIVE_IDS);
        String problem = problem(q, PreparedData.QUERY_IDS);
        if (problem == null) {
            problem = problem(p, PreparedData.POSITIVE_IDS);
        }
        if (problem != null) {
            if (skipped.incrementAndGet() <= LOGGED_SKIPS) {
                LOG.warn("skipping sample_id {} in {} (row group {}): {}", id, g.file(), g.index(), problem);
            }
            return;
        }
        out.add(new TrainSample(id, q, p));
    }

    /** Rows decoded so far by this reader, trainable or not (pages hold more rows than a range asks for). */
    public long rowsDecoded() {
        return rowsDecoded.get();
    }

    /** Samples skipped so far by this reader. */
    public long skipped() {
        return skipped.get();
    }

    private String problem(int[] ids, String column) {
        if (ids.length < 2) {
            return column + " has " + ids.length + " token(s); a sample needs BOS and at least one text token";
        }
        if (ids.length > maxSeqLength) {
            return column + " has " + ids.length + " tokens, more than the manifest's max_seq_length " + maxSeqLength;
        }
        for (int t : ids) {
            if (t < 0 || (vocabSize > 0 && t >= vocabSize)) {
                return column + " holds token id " + t + " outside the vocabulary [0, " + vocabSize + ")";
            }
        }
        return null;
    }

    /** Reads an array<int> column in Spark's 3-level LIST layout or the legacy 2-level one. */
    private static int[] ids(Group row, String column) {
        if (row.getFieldRepetitionCount(column) == 0) {
            return new int[0];
        }
        Group list = row.getGroup(column, 0);
        Type repeated = list.getType().getType(0);
        int n = list.getFieldRepetitionCount(0);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            if (repeated.isPrimitive()) {
                out[i] = list.getInteger(0, i);
            } else {
                Group element = list.getGroup(0, i);
                if (element.getFieldRepetitionCount(0) == 0) {
                    throw new IllegalArgumentException(column + " holds a null token id");
                }
                out[i] = element.getInteger(0, 0);
            }
        }
        return out;
    }

    private static void checkSchema(Path f, MessageType schema) throws IOException {
        for (String c : new String[]{PreparedData.SAMPLE_ID, PreparedData.QUERY_IDS, PreparedData.POSITIVE_IDS}) {
            if (!schema.containsField(c)) {
                throw new IOException(f + " has no column '" + c + "' (columns: " + schema.getFields().stream()
                        .map(Type::getName).toList() + "); is this a 'bg2vec prepare' shard?");
            }
        }
        Type ids = schema.getType(PreparedData.QUERY_IDS);
        if (ids.isPrimitive() || ((GroupType) ids).getFieldCount() != 1) {
            throw new IOException(f + ": query_ids must be array<int>, found " + ids);
        }
    }
}
