package org.bg2vec.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.bg2vec.djl.DeviceRequest;
import org.bg2vec.encode.EncodeOptions;
import org.bg2vec.encode.EncodeSpec;
import org.bg2vec.encode.Encoder;
import org.bg2vec.encode.HashingEmbedder;
import org.bg2vec.encode.TextEmbedder;
import org.bg2vec.encode.Vectors;
import org.bg2vec.io.TableFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncodeJobTest {

    private static SparkSession spark;

    /** 40 texts of varied lengths, plus null and blank ones. */
    static List<String> texts() {
        List<String> t = new ArrayList<>();
        String[] words = {"София", "е", "столица", "на", "България", "река", "Дунав", "планина", "Рила", "море"};
        for (int i = 0; i < 40; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k <= (i * 7) % 13; k++) {
                sb.append(words[(i + k * 3) % words.length]).append(' ');
            }
            t.add(sb.toString().strip() + " " + i);
        }
        t.set(5, null);
        t.set(17, "   ");
        t.set(33, "");
        return t;
    }

    @BeforeAll
    static void start() {
        spark = SparkSessions.getOrCreate("local[2]", "encode-test", Map.of("spark.ui.enabled", "false",
                // one input file = one partition, so that the jobs really run over several partitions
                "spark.sql.files.openCostInBytes", "134217728"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Path writeInput(Path dir, List<String> texts, int partitions, TableFormat format) {
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("lang", DataTypes.StringType, true)
                .add("text", DataTypes.StringType, true);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create((long) (1000 + i), i % 2 == 0 ? "bg" : "en", texts.get(i)));
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(partitions);
        Path p = dir.resolve("input." + format.cliName());
        if (format == TableFormat.PARQUET) {
            df.write().parquet(p.toString());
        } else {
            df.write().json(p.toString());
        }
        return p;
    }

    private static Map<Long, Row> readById(Path out) {
        Map<Long, Row> byId = new HashMap<>();
        for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
            byId.put(r.getLong(r.fieldIndex("id")), r);
        }
        return byId;
    }

    private static float[] floats(Row r) {
        int i = r.fieldIndex("embedding");
        if (r.isNullAt(i)) {
            return null;
        }
        List<Float> l = r.getList(i);
        float[] f = new float[l.size()];
        for (int k = 0; k < f.length; k++) {
            f[k] = l.get(k);
        }
        return f;
    }

    @Test
    void sparkEmbeddingsEqualTheCoreEncoderRowByRow(@TempDir Path dir) {
        List<String> texts = texts();
        Path in = writeInput(dir, texts, 3, TableFormat.PARQUET);
        assertEquals(3, spark.read().parquet(in.toString()).javaRDD().getNumPartitions());
        EncodeOptions options = new EncodeOptions(4, false, null);
        HashingEmbedder.Factory factory = new HashingEmbedder.Factory(24, 101);
        Path out = dir.resolve("out");
        EncodeJob.Result r = EncodeJob.run(spark, new EncodeSpec(in.toString(), TableFormat.PARQUET, "text",
                List.of(), out.toString(), false, options, 7, DeviceRequest.CPU), factory);

        assertEquals(1, HashingEmbedder.OPENS.get(factory).get(), "one embedder per JVM for 3 partitions");
        assertEquals(40, r.rows());
        assertEquals(3, r.blankTexts());
        TextEmbedder direct = factory.open();
        float[][] expected = new Encoder(direct, options).encode(texts);
        Dataset<Row> written = spark.read().parquet(out.toString());
        assertEquals(List.of("id", "lang", "embedding"), Arrays.asList(written.columns()));
        Map<Long, Row> byId = readById(out);
        assertEquals(40, byId.size());
        for (int i = 0; i < texts.size(); i++) {
            Row row = byId.get(1000L + i);
            assertEquals(i % 2 == 0 ? "bg" : "en", row.getString(row.fieldIndex("lang")));
            float[] got = floats(row);
            if (expected[i] == null) {
                assertNull(got, "row " + i + " has blank text");
            } else {
                assertArrayEquals(expected[i], got, "row " + i);
                // and the embedder's own output for that text alone
                assertArrayEquals(direct.embed(List.of(texts.get(i)))[0], got, "row " + i);
                assertTrue(Math.abs(Vectors.norm(got) - 1) > 1e-3, "not normalised without --normalize");
            }
        }
    }

    @Test
    void normalisedInstructedJsonInputWithChosenIds(@TempDir Path dir) {
        List<String> texts = texts();
        Path in = writeInput(dir, texts, 2, TableFormat.JSONL);
        EncodeOptions options = new EncodeOptions(5, true, "Намери статията");
        HashingEmbedder.Factory factory = new HashingEmbedder.Factory(16, 202);
        assertEquals(2, spark.read().json(in.toString()).javaRDD().getNumPartitions());
        Path out = dir.resolve("out");
        EncodeJob.run(spark, new EncodeSpec(in.toString(), TableFormat.JSONL, "text", List.of("id"),
                out.toString(), false, options, EncodeSpec.DEFAULT_SORT_WINDOW, DeviceRequest.CPU), factory);

        assertEquals(List.of("id", "embedding"), Arrays.asList(spark.read().parquet(out.toString()).columns()));
        float[][] expected = new Encoder(factory.open(), options).encode(texts);
        float[][] plain = new Encoder(factory.open(), new EncodeOptions(5, true, null)).encode(texts);
        Map<Long, Row> byId = readById(out);
        for (int i = 0; i < texts.size(); i++) {
            float[] got = floats(byId.get(1000L + i));
            if (expected[i] == null) {
                assertNull(got);
            } else {
                assertArrayEquals(expected[i], got, "row " + i);
                assertEquals(1.0, Vectors.norm(got), 1e-6);
                // the test embedder pools only the text after the separator: same vector as without instruction
                assertArrayEquals(plain[i], got, 1e-7f);
            }
        }
    }

    @Test
    void missingTextColumnListsColumnsAndExistingOutputIsRefused(@TempDir Path dir) throws Exception {
        Path in = writeInput(dir, texts(), 2, TableFormat.PARQUET);
        EncodeOptions options = new EncodeOptions(4, false, null);
        HashingEmbedder.Factory factory = new HashingEmbedder.Factory(8, 303);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncodeJob.run(spark, new EncodeSpec(in.toString(), TableFormat.PARQUET, "body", List.of(),
                        dir.resolve("o1").toString(), false, options, 10, DeviceRequest.CPU), factory));
        assertTrue(e.getMessage().contains("no text column 'body'; columns found: id, lang, text"), e.getMessage());

        Path existing = Files.createDirectories(dir.resolve("o2"));
        Files.writeString(existing.resolve("keep.txt"), "user data");
        assertThrows(IllegalArgumentException.class,
                () -> EncodeJob.run(spark, new EncodeSpec(in.toString(), TableFormat.PARQUET, "text", List.of(),
                        existing.toString(), false, options, 10, DeviceRequest.CPU), factory));
        assertEquals("user data", Files.readString(existing.resolve("keep.txt")));
    }

    @Test
    void aGpuRequestWithoutAGpuFailsTheTasksWithTheReasonInsteadOfRunningOnTheCpu(@TempDir Path dir) {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.bg2vec.djl.DjlRuntime.engine().getGpuCount() == 0,
                "this machine has a GPU");
        Path in = writeInput(dir, texts(), 2, TableFormat.PARQUET);
        HashingEmbedder.Factory factory = new HashingEmbedder.Factory(8, 505);
        RuntimeException e = assertThrows(RuntimeException.class, () -> EncodeJob.run(spark, new EncodeSpec(
                in.toString(), TableFormat.PARQUET, "text", List.of(), dir.resolve("out").toString(), false,
                new EncodeOptions(4, false, null), 10, DeviceRequest.GPU), factory));
        String m = String.valueOf(e.getMessage());
        assertTrue(m.contains("GpuUnavailableException: a GPU was requested for embedding task"), m);
        assertTrue(m.contains("no GPU address from Spark: local mode"), m);
        assertEquals(null, HashingEmbedder.OPENS.get(factory), "no embedder was opened, on any device");
        assertTrue(Files.notExists(dir.resolve("out")), "nothing written");
    }

    @Test
    void csvWithQuotedCommasAndNewlines(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("docs.csv");
        Files.writeString(csv, "doc,text\n"
                + "a1,\"София, столица\"\n"
                + "a2,\"ред едно\nред две\"\n"
                + "a3,\n");
        HashingEmbedder.Factory factory = new HashingEmbedder.Factory(8, 404);
        Path out = dir.resolve("out");
        EncodeJob.Result r = EncodeJob.run(spark, new EncodeSpec(csv.toString(), TableFormat.CSV, "text", List.of(),
                out.toString(), false, new EncodeOptions(2, false, null), 100, DeviceRequest.CPU), factory);
        assertEquals(3, r.rows());
        assertEquals(1, r.blankTexts());
        Map<String, float[]> byDoc = new HashMap<>();
        for (Row row : spark.read().parquet(out.toString()).collectAsList()) {
            byDoc.put(row.getString(0), floats(row));
        }
        HashingEmbedder e = new HashingEmbedder(8, 404);
        assertArrayEquals(e.vector("София, столица"), byDoc.get("a1"));
        assertArrayEquals(e.vector("ред едно\nред две"), byDoc.get("a2"));
        assertNull(byDoc.get("a3"));
    }
}
