package org.bg2vec.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.bg2vec.format.PreparedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample shards {@link ShardWriter} writes straight to parquet-mr's column writers ({@link SampleShardFile})
 * are, byte for byte, the files parquet-mr's own example Group writer makes of the same rows (fields in schema
 * order, lists in the 3-level layout): over many pages in one row group, and over several row groups.
 */
class ShardWriterTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void sampleShardsAreTheFilesParquetMrsGroupWriterWrites() throws IOException {
        List<Sample> samples = samples(30_000, 7);
        Path ours = new Path(dir.resolve("ours.parquet").toUri());
        assertEquals(samples.size(), ShardWriter.writeSamples(CONF, ours, "a0", encoded(samples).iterator()));
        assertArrayEquals(reference(samples, ParquetWriter.DEFAULT_BLOCK_SIZE), Files.readAllBytes(path(ours)));
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(ours, CONF))) {
            for (ColumnChunkMetaData column : r.getRowGroups().get(0).getColumns()) {
                boolean ids = column.getPath().toDotString().endsWith(".list.element");
                assertEquals(ids, column.getEncodings().contains(Encoding.PLAIN_DICTIONARY), column.getPath() + " "
                        + column.getEncodings() + ": a dictionary for the id lists only");
            }
        }
    }

    /** Small row groups: the rows are cut into the same row groups at the same rows as parquet-mr cuts them. */
    @Test
    void rowGroupsEndWhereParquetMrsWriterEndsThem() throws IOException {
        List<Sample> samples = samples(12_000, 11);
        Path ours = new Path(dir.resolve("small-groups.parquet").toUri());
        int rowGroupBytes = 256 * 1024;
        try (SampleShardFile shard = new SampleShardFile(CONF, ours, rowGroupBytes)) {
            for (byte[] b : encoded(samples)) {
                shard.write(OutcomeCodec.sampleBytes(b));
            }
        }
        byte[] expected = reference(samples, rowGroupBytes);
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(ours, CONF))) {
            assertTrue(r.getRowGroups().size() > 3, r.getRowGroups().size() + " row groups");
        }
        assertArrayEquals(expected, Files.readAllBytes(path(ours)));
    }

    private static final Configuration CONF = new Configuration();

    private static List<byte[]> encoded(List<Sample> samples) {
        List<byte[]> encoded = new ArrayList<>();
        samples.forEach(s -> encoded.add(OutcomeCodec.encode(s)));
        return encoded;
    }

    private static java.nio.file.Path path(Path p) {
        return java.nio.file.Path.of(p.toUri());
    }

    /** The bytes of parquet-mr's example Group writer for the rows, with dictionaries for the id lists only. */
    private byte[] reference(List<Sample> samples, long rowGroupBytes) throws IOException {
        java.nio.file.Path file = dir.resolve("reference-" + rowGroupBytes + ".parquet");
        SimpleGroupFactory f = new SimpleGroupFactory(PreparedData.SAMPLE_SCHEMA);
        ExampleParquetWriter.Builder b = ExampleParquetWriter.builder(new Path(file.toUri()));
        b.withDictionaryEncoding(false);
        SampleShardFile.DICTIONARY_COLUMNS.forEach(column -> b.withDictionaryEncoding(column, true));
        try (ParquetWriter<Group> w = b
                .withType(PreparedData.SAMPLE_SCHEMA).withConf(CONF).withRowGroupSize(rowGroupBytes)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).withValidation(false).build()) {
            for (Sample s : samples) {
                w.write(row(f, s));
            }
        }
        return Files.readAllBytes(file);
    }

    private static Group row(SimpleGroupFactory f, Sample s) {
        Group g = f.newGroup().append(PreparedData.SAMPLE_ID, s.sampleId()).append(PreparedData.PAGE_ID, s.pageId())
                .append(PreparedData.TITLE, s.title()).append(PreparedData.LEAD, s.lead())
                .append(PreparedData.QUERY, s.text()).append(PreparedData.POSITIVE, s.text());
        for (String col : new String[] {PreparedData.QUERY_IDS, PreparedData.POSITIVE_IDS}) {
            Group list = g.addGroup(col);
            for (int id : s.ids()) {
                list.addGroup("list").append("element", id);
            }
        }
        return g;
    }

    /** Random samples: Cyrillic and ASCII texts, empty leads, 0 to 128 ids (a few repeated texts). */
    private static List<Sample> samples(int n, long seed) {
        Random r = new Random(seed);
        String[] words = {"България", "е", "държава", "в", "Европа", "river", "42", "ё", "—", "😀"};
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder text = new StringBuilder();
            for (int w = r.nextInt(60); w >= 0; w--) {
                text.append(words[r.nextInt(words.length)]).append(' ');
            }
            int[] ids = new int[r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(128)];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = k == 0 ? 1 : r.nextInt(32_000);
            }
            String lead = r.nextInt(5) == 0 ? "" : text.substring(0, text.length() / 2);
            out.add(new Sample(1000L * i + r.nextInt(3), i / 3, "Заглавие " + r.nextInt(n), lead,
                    i % 97 == 0 ? "повторен текст" : text.toString(), ids));
        }
        return out;
    }
}
