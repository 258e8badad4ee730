package org.bg2vec.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.djl.DeviceRequest;
import org.bg2vec.encode.EncodeOptions;
import org.bg2vec.encode.EncodeSpec;
import org.bg2vec.encode.HashingEmbedder;
import org.bg2vec.encode.SharedEmbedders;
import org.bg2vec.encode.TextEmbedder;
import org.bg2vec.encode.TextEmbedderFactory;
import org.bg2vec.io.TableFormat;
import org.bg2vec.modelstore.ModelStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hardening of the encode output (issue 13, item 8): a retried task is counted once, and {@code --overwrite}
 * replaces an output only when the new one is complete.
 */
class EncodeOutputTest {

    static SparkSession spark;

    @BeforeAll
    static void start() {
        // local[2, 2]: a failed task is tried twice, as on a cluster
        spark = SparkSessions.getOrCreate("local[2,2]", "encode-output-test", Map.of("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        SharedEmbedders.closeAll();
        spark.stop();
    }

    /** Embeds like the hashing embedder, but the first attempt of partition 0 (or every attempt) fails mid-way. */
    record FailingFactory(boolean always) implements TextEmbedderFactory {
        @Override
        public TextEmbedder open(ComputeDevice device, ModelStore models) {
            HashingEmbedder h = new HashingEmbedder(8, 5);
            return new TextEmbedder() {
                private int batches;

                @Override
                public int dimension() {
                    return 8;
                }

                @Override
                public float[][] embed(List<String> texts) {
                    TaskContext ctx = TaskContext.get();
                    boolean doomed = always || ctx.partitionId() == 0 && ctx.attemptNumber() == 0;
                    if (doomed && ++batches > 2) { // after two windows were already counted
                        batches = 0;
                        throw new IllegalStateException("injected failure in partition " + ctx.partitionId());
                    }
                    return h.embed(texts);
                }

                @Override
                public void close() {
                }
            };
        }
    }

    private static Path input(Path dir) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            rows.add(RowFactory.create((long) i, "текст номер " + i));
        }
        Path in = dir.resolve("in.parquet");
        spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType).add("text", DataTypes.StringType))
                .repartition(2).write().parquet(in.toString());
        return in;
    }

    private static EncodeSpec spec(Path in, Path out, boolean overwrite) {
        return new EncodeSpec(in.toString(), TableFormat.PARQUET, "text", List.of(), out.toString(), overwrite,
                new EncodeOptions(2, false, null), 5, DeviceRequest.CPU);
    }

    @Test
    void aRetriedTaskIsCountedOnce(@TempDir Path dir) {
        Path in = input(dir);
        EncodeJob.Result r = EncodeJob.run(spark, spec(in, dir.resolve("out"), false), new FailingFactory(false));
        assertEquals(60, r.rows(), "each row once, although partition 0 counted windows before it failed");
        assertEquals(60, spark.read().parquet(dir.resolve("out").toString()).count());
        assertEquals(60, spark.read().parquet(dir.resolve("out").toString()).select("id").distinct().count());
    }

    @Test
    void overwriteKeepsTheOldOutputWhenTheNewJobFails(@TempDir Path dir) throws Exception {
        Path in = input(dir);
        Path out = dir.resolve("out");
        EncodeJob.run(spark, spec(in, out, false), new HashingEmbedder.Factory(8, 5));
        long before = spark.read().parquet(out.toString()).count();

        assertThrows(RuntimeException.class, () -> EncodeJob.run(spark, spec(in, out, true), new FailingFactory(true)));
        assertEquals(before, spark.read().parquet(out.toString()).count(), "the old output is intact");
        try (Stream<Path> siblings = Files.list(dir)) {
            List<String> names = siblings.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("in.parquet", "out"), names, "no temporary output left behind");
        }

        EncodeJob.Result r = EncodeJob.run(spark, spec(in, out, true), new HashingEmbedder.Factory(8, 6));
        assertEquals(60, r.rows());
        assertEquals(60, spark.read().parquet(out.toString()).count(), "replaced when the new output is complete");
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
    }
}
