package org.bg2vec.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.bg2vec.djl.DeviceRequest;
import org.bg2vec.encode.EmbedderFactories;
import org.bg2vec.encode.EncodeOptions;
import org.bg2vec.encode.EncodeSpec;
import org.bg2vec.encode.SharedEmbedders;
import org.bg2vec.io.TableFormat;
import org.bg2vec.modelstore.CacheMarker;
import org.bg2vec.modelstore.ModelStore;
import org.bg2vec.modelstore.RemoteLikeFileSystem;
import org.bg2vec.modelstore.TestModels;
import org.bg2vec.train.RealTraining;
import org.bg2vec.train.TrainingWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * train and encode read their models from a Hadoop URI that is not the local file system ({@code testfs:}, fetched
 * like {@code hdfs:}) through each executor's model cache, and compute what they compute from a local directory.
 */
class ModelFetchJobTest {

    @TempDir
    static Path shared;
    static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkSessions.getOrCreate("local[2]", "model-fetch-test", Map.of("spark.ui.enabled", "false",
                "spark.local.dir", shared.resolve("spark-local").toString(),
                "spark.hadoop.fs." + RemoteLikeFileSystem.SCHEME + ".impl", RemoteLikeFileSystem.class.getName(),
                "spark.barrier.sync.timeout", "60s"));
    }

    @AfterAll
    static void stop() {
        SharedEmbedders.closeAll();
        spark.stop();
    }

    private static Map<Long, float[]> encode(Path in, Path out, String model) {
        EncodeJob.run(spark, new EncodeSpec(in.toString(), TableFormat.PARQUET, "text", List.of(), out.toString(),
                false, new EncodeOptions(2, false, null), 100, DeviceRequest.CPU),
                EmbedderFactories.forModel(model, List.of(), null, 32, null));
        Map<Long, float[]> byId = new HashMap<>();
        for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
            List<Float> e = r.getList(r.fieldIndex("embedding"));
            float[] v = new float[e.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = e.get(i);
            }
            byId.put(r.getLong(r.fieldIndex("id")), v);
        }
        return byId;
    }

    @Test
    void encodeFetchesAShardedBf16ModelAndEmbedsAsFromTheLocalDirectory() throws Exception {
        Path model = TestModels.shardedBf16(tmp.resolve("BgGPT-like"), 3L);
        List<Row> rows = new ArrayList<>();
        String[] texts = {"София е столицата на България.", "Дунав", "Рила е планина.", "Черно море"};
        for (int i = 0; i < texts.length; i++) {
            rows.add(RowFactory.create((long) i, texts[i]));
        }
        Path in = tmp.resolve("in.parquet");
        spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType).add("text", DataTypes.StringType))
                .repartition(2).write().parquet(in.toString());

        Map<Long, float[]> local = encode(in, tmp.resolve("local"), model.toString());
        Map<Long, float[]> fetched = encode(in, tmp.resolve("fetched"), RemoteLikeFileSystem.uri(model));
        assertEquals(texts.length, fetched.size());
        for (long id = 0; id < texts.length; id++) {
            assertArrayEquals(local.get(id), fetched.get(id), 0f, "row " + id);
        }
        if (System.getenv(ModelStore.CACHE_ENV) == null) {
            Path cache = shared.resolve("spark-local").resolve(ModelStore.DEFAULT_DIR_NAME);
            try (Stream<Path> copies = Files.walk(cache)) {
                List<Path> markers = copies.filter(p -> p.getFileName().toString().equals(CacheMarker.FILE)).toList();
                assertEquals(1, markers.size(), "one copy in the executor's cache: " + markers);
                assertTrue(Files.exists(markers.get(0).resolveSibling(TestModels.LLAMA2.getFileName())));
            }
        }
    }

    @Test
    void trainReadsModelNameOrPathFromAHadoopUriAndTrainsTheSameAdapter() throws Exception {
        Path model = RealTraining.tinyModel(tmp.resolve("model"));
        Path data = RealTraining.data(tmp.resolve("data"), model, 16);
        String steps = ", \"max_steps\": 2, \"save_steps\": 2";
        TrainJob.run(spark, RealTraining.config(model, data, tmp.resolve("local"), steps),
                TrainJobRealModelTest.OPTIONS, TrainingWorker::run);
        TrainJob.run(spark, RealTraining.config(model, data, tmp.resolve("fetched"), steps)
                .with("model_name_or_path", RemoteLikeFileSystem.uri(model)), TrainJobRealModelTest.OPTIONS,
                TrainingWorker::run);
        assertArrayEquals(RealTraining.adapter(tmp.resolve("local/adapter")),
                RealTraining.adapter(tmp.resolve("fetched/adapter")), 0f);
    }

    @Test
    void aMissingModelIsReportedOnTheDriverBeforeAnyTask() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EncodeJob.run(spark, new EncodeSpec(tmp.resolve("none.parquet").toString(), TableFormat.PARQUET,
                        "text", List.of(), tmp.resolve("o").toString(), false, new EncodeOptions(2, false, null), 10,
                        DeviceRequest.CPU), EmbedderFactories.forModel(RemoteLikeFileSystem.uri(tmp.resolve("gone")),
                        List.of(), null, 32, null)));
        assertTrue(e.getMessage().startsWith("model " + RemoteLikeFileSystem.uri(tmp.resolve("gone"))
                + " does not exist"), e.getMessage());
    }
}
