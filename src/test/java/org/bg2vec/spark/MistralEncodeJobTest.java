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
import org.bg2vec.encode.Encoder;
import org.bg2vec.encode.TextEmbedder;
import org.bg2vec.encode.TextEmbedderFactory;
import org.bg2vec.io.TableFormat;
import org.bg2vec.model.ModelPreset;
import org.bg2vec.model.RandomCheckpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** encode as a Spark job with the real model equals the in-process {@link Encoder} on the same texts. */
class MistralEncodeJobTest {

    static final Path LLAMA2 = Paths.get("src/test/resources/tokenizers/llama2/tokenizer.json");
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSessions.getOrCreate("local[2]", "mistral-encode-test", Map.of("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void sparkJobEqualsCoreEncoderWithTheRealModel(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model");
        RandomCheckpoint.write(ModelPreset.TINY, LLAMA2, "<s>", "</s>", 7L, model);
        Files.copy(LLAMA2, model.resolve("tokenizer.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> texts = List.of("София е столицата на България.", "Рила е най-високата планина на Балканите.",
                "Дунав", "Черно море е вътрешно море между Европа и Азия, свързано със Средиземно море.",
                "Пловдив е град.", "Марица тече през Пловдив и Одрин.");
        StructType schema = new StructType().add("id", DataTypes.LongType, false).add("text", DataTypes.StringType, true);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create((long) i, texts.get(i)));
        }
        Path in = dir.resolve("in.parquet");
        spark.createDataFrame(rows, schema).repartition(2).write().parquet(in.toString());
        EncodeOptions options = new EncodeOptions(3, true, null);
        TextEmbedderFactory factory = EmbedderFactories.forModel(model.toString(), List.of(), null, 64, null);
        Path out = dir.resolve("out");
        EncodeJob.run(spark, new EncodeSpec(in.toString(), TableFormat.PARQUET, "text", List.of(), out.toString(),
                false, options, EncodeSpec.DEFAULT_SORT_WINDOW, DeviceRequest.CPU), factory);

        float[][] expected;
        try (TextEmbedder direct = factory.open(org.bg2vec.djl.ComputeDevice.cpu(),
                org.bg2vec.modelstore.ModelStore.withDefaults(new org.apache.hadoop.conf.Configuration()))) {
            assertEquals(64, direct.dimension());
            expected = new Encoder(direct, options).encode(texts);
        }
        List<Row> got = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(texts.size(), got.size());
        for (Row r : got) {
            int id = (int) r.getLong(r.fieldIndex("id"));
            List<Float> e = r.getList(r.fieldIndex("embedding"));
            assertEquals(64, e.size());
            double norm = 0;
            for (int k = 0; k < e.size(); k++) {
                // batches differ (length-sorted per partition): equal up to float reassociation
                assertEquals(expected[id][k], e.get(k), 1e-5, "row " + id + " dim " + k);
                norm += e.get(k) * e.get(k);
            }
            assertEquals(1.0, norm, 1e-4);
        }
        assertTrue(Math.abs(expected[0][0] - expected[1][0]) > 0 || Math.abs(expected[0][1] - expected[1][1]) > 0,
                "different texts give different embeddings");
    }
}
