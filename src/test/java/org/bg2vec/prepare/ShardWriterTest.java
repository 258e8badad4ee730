package org.bg2vec.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
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

/**
 * The sample shards {@link ShardWriter} writes straight to parquet-mr's column writers are, byte for byte, the files
 * parquet-mr's own example Group writer makes of the same rows (fields in schema order, lists in the 3-level
 * layout), over several pages and a row group.
 */
class ShardWriterTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void sampleShardsAreTheFilesParquetMrsGroupWriterWrites() throws IOException {
        List<Sample> samples = samples(30_000, 7);
        Configuration conf = new Configuration();
        Path ours = new Path(dir.resolve("ours.parquet").toUri());
        List<byte[]> encoded = new ArrayList<>();
        samples.forEach(s -> encoded.add(OutcomeCodec.encode(s)));
        assertEquals(samples.size(), ShardWriter.writeSamples(conf, ours, "a0", encoded.iterator()));

        Path reference = new Path(dir.resolve("reference.parquet").toUri());
        SimpleGroupFactory f = new SimpleGroupFactory(PreparedData.SAMPLE_SCHEMA);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(reference).withType(PreparedData.SAMPLE_SCHEMA)
                .withConf(conf).withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).withValidation(false).build()) {
            for (Sample s : samples) {
                w.write(row(f, s));
            }
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("reference.parquet")),
                Files.readAllBytes(dir.resolve("ours.parquet")));
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
