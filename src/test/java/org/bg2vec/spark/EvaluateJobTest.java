package org.bg2vec.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.bg2vec.djl.DeviceRequest;
import org.bg2vec.encode.HashingEmbedder;
import org.bg2vec.encode.TextEmbedder;
import org.bg2vec.encode.TextEmbedderFactory;
import org.bg2vec.eval.AlignmentUniformity;
import org.bg2vec.eval.EvalReport;
import org.bg2vec.eval.EvaluateSpec;
import org.bg2vec.eval.Evaluation;
import org.bg2vec.eval.Metric;
import org.bg2vec.eval.ReportChart;
import org.bg2vec.eval.ReportFiles;
import org.bg2vec.eval.RetrievalMetrics;
import org.bg2vec.eval.TripletMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluateJobTest {

    /** (title, lead) of the test pages; page 7 has a blank lead and must be left out. */
    static final String[][] PAGES = {
            {"София", "София е столицата и най-големият град на България."},
            {"Пловдив", "Пловдив е един от най-старите градове в Европа."},
            {"Варна", "Варна е морски град на Черно море."},
            {"Дунав", "Дунав е втората по дължина река в Европа."},
            {"Мусала", "Мусала е най-високият връх на Балканския полуостров."},
            {"Рила", "Рила е най-високата планина в България."},
            {"Бургас", "Бургас е пристанищен град на Черно море."},
            {"Шумен", "  "},
            {"Русе", "Русе е най-големият български град на река Дунав."},
            {"Велико Търново", "Велико Търново е столица на Второто българско царство."},
            {"Кирил и Методий", "Кирил и Методий създават глаголицата."},
            {"Родопи", "Родопите са планина в Южна България."},
    };

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSessions.getOrCreate("local[2]", "evaluate-test", Map.of("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** The prepare job's output layout: manifest.json + validation/ with two Parquet files. */
    static Path writePrepared(Path dir) throws Exception {
        StructType schema = new StructType()
                .add("sample_id", DataTypes.LongType, false)
                .add("page_id", DataTypes.LongType, false)
                .add("title", DataTypes.StringType, true)
                .add("lead", DataTypes.StringType, true)
                .add("query", DataTypes.StringType, true)
                .add("positive", DataTypes.StringType, true)
                .add("query_ids", DataTypes.createArrayType(DataTypes.IntegerType), true)
                .add("positive_ids", DataTypes.createArrayType(DataTypes.IntegerType), true);
        List<Row> rows = new ArrayList<>();
        long sample = 0;
        for (int p = 0; p < PAGES.length; p++) {
            for (int s = 0; s < 2; s++) { // two samples per page: a page's lead appears twice
                String passage = PAGES[p][0] + " пасаж " + s + ": " + PAGES[p][1];
                List<Integer> ids = List.of(1, 100 + p, s);
                rows.add(RowFactory.create(sample++, 5000L + p, PAGES[p][0], PAGES[p][1], passage, passage, ids, ids));
            }
        }
        Path data = dir.resolve("prepared");
        spark.createDataFrame(rows, schema).repartition(2).write().parquet(data.resolve("validation").toString());
        Files.writeString(data.resolve("manifest.json"), "{\"format_version\": 1}");
        return data;
    }

    static float[][] vectors(HashingEmbedder e, List<String> texts) {
        return texts.stream().map(e::vector).toArray(float[][]::new);
    }

    @Test
    void endToEndReportMatchesDirectComputation(@TempDir Path dir) throws Exception {
        Path data = writePrepared(dir);
        Path triples = dir.resolve("triples.jsonl");
        Files.writeString(triples, String.join("\n",
                "{\"query\": \"столица\", \"positive\": \"София е столицата\", \"negative\": \"Рила е планина\"}",
                "{\"query\": \"река\", \"positive\": \"Дунав е река\", \"negative\": \"Варна е град\"}",
                "{\"query\": \"връх\", \"positive\": \"Мусала е връх\", \"negative\": \"Русе е град\"}") + "\n");
        Path out = dir.resolve("report");
        HashingEmbedder.Factory base = new HashingEmbedder.Factory(16, 1);
        HashingEmbedder.Factory trained = new HashingEmbedder.Factory(64, 2);
        EvalReport report = EvaluateJob.run(spark,
                new EvaluateSpec(data.toString(), triples.toString(), out.toString(), 4, 1000, DeviceRequest.CPU),
                List.of(new Evaluation.Model("base", base), new Evaluation.Model("trained", trained)));

        // direct computation: 11 usable pages (page 7's lead is blank), title i -> lead i
        List<String> titles = new ArrayList<>();
        List<String> leads = new ArrayList<>();
        List<String> samples = new ArrayList<>();
        for (int p = 0; p < PAGES.length; p++) {
            for (int s = 0; s < 2; s++) {
                samples.add(PAGES[p][0] + " пасаж " + s + ": " + PAGES[p][1]);
            }
            if (!PAGES[p][1].isBlank()) {
                titles.add(PAGES[p][0]);
                leads.add(PAGES[p][1]);
            }
        }
        int[] gold = IntStream.range(0, titles.size()).toArray();
        EvalReport.DatasetResult validation = report.datasets().get(0);
        assertEquals("validation", validation.name());
        assertEquals(11L, validation.counts().get("queries"));
        assertEquals(1L, validation.counts().get("pages_skipped_blank_title_or_lead"));
        for (var m : List.of(Map.entry("base", new HashingEmbedder(16, 1)),
                Map.entry("trained", new HashingEmbedder(64, 2)))) {
            HashingEmbedder e = m.getValue();
            RetrievalMetrics.Result r = RetrievalMetrics.evaluate(vectors(e, titles), vectors(e, leads), gold);
            assertEquals(r.recallAt1(), EvalReport.value(validation, m.getKey(), Metric.RECALL_AT_1));
            assertEquals(r.recallAt10(), EvalReport.value(validation, m.getKey(), Metric.RECALL_AT_10));
            assertEquals(r.mrr(), EvalReport.value(validation, m.getKey(), Metric.MRR));
            assertEquals(AlignmentUniformity.alignment(vectors(e, titles), vectors(e, leads)),
                    EvalReport.value(validation, m.getKey(), Metric.ALIGNMENT));
            assertEquals(AlignmentUniformity.uniformity(vectors(e, samples)),
                    EvalReport.value(validation, m.getKey(), Metric.UNIFORMITY), 1e-12);
        }

        // the passage-halves task: every sample text of at least 8 words, cut at its
        // middle word
        List<String> firsts = new ArrayList<>();
        List<String> seconds = new ArrayList<>();
        for (String s : samples) {
            String[] w = s.strip().split(" +");
            if (w.length >= 8) {
                firsts.add(String.join(" ", List.of(w).subList(0, w.length / 2)));
                seconds.add(String.join(" ", List.of(w).subList(w.length / 2, w.length)));
            }
        }
        EvalReport.DatasetResult halves = report.datasets().get(1);
        assertEquals("validation-halves", halves.name());
        assertEquals(22L, halves.counts().get("queries")); // 24 samples, page 7's two have 3 words
        HashingEmbedder he = new HashingEmbedder(64, 2);
        // a page's two samples share their second half (the lead): one document, relevant to both queries
        List<String> docs = seconds.stream().distinct().toList();
        RetrievalMetrics.Result hr = RetrievalMetrics.evaluate(vectors(he, firsts), vectors(he, docs),
                seconds.stream().mapToInt(docs::indexOf).toArray());
        assertEquals(11L, halves.counts().get("documents"));
        assertEquals(hr.mrr(), EvalReport.value(halves, "trained", Metric.MRR), 1e-12);
        assertEquals(null, EvalReport.value(halves, "trained", Metric.UNIFORMITY));
        assertNotNull(EvalReport.change(halves, Metric.MRR));

        EvalReport.DatasetResult tri = report.datasets().get(2);
        assertEquals("triples.jsonl", tri.name());
        HashingEmbedder e = new HashingEmbedder(64, 2);
        TripletMetrics.Result t = TripletMetrics.evaluate(
                vectors(e, List.of("столица", "река", "връх")),
                vectors(e, List.of("София е столицата", "Дунав е река", "Мусала е връх")),
                vectors(e, List.of("Рила е планина", "Варна е град", "Русе е град")));
        assertEquals(t.meanMargin(), EvalReport.value(tri, "trained", Metric.TRIPLET_MARGIN));

        // the three files
        JsonNode json = new ObjectMapper().readTree(out.resolve(ReportFiles.JSON).toFile());
        assertEquals("base", json.get("models").get(0).asText());
        assertEquals(EvalReport.value(validation, "trained", Metric.MRR),
                json.get("datasets").get(0).get("metrics").get("trained").get("mrr").asDouble());
        String md = Files.readString(out.resolve(ReportFiles.MARKDOWN));
        assertTrue(md.contains("## validation") && md.contains("## triples.jsonl"), md);
        assertTrue(md.contains("| Recall@1 (higher is better) |"), md);
        BufferedImage png = ImageIO.read(out.resolve(ReportFiles.PNG).toFile());
        assertNotNull(png);
        assertEquals(ReportChart.WIDTH, png.getWidth());
        assertEquals(3 * ReportChart.HEIGHT, png.getHeight(), "one chart per dataset, stacked vertically");
    }

    /** A hashing embedder that refuses to run outside a Spark task and records the tasks it ran in. */
    record TaskOnlyFactory(int dimension, int seed) implements TextEmbedderFactory {
        static final java.util.Set<String> TASKS = java.util.concurrent.ConcurrentHashMap.newKeySet();

        private static TaskContext task(String what) {
            TaskContext ctx = TaskContext.get();
            if (ctx == null) {
                throw new IllegalStateException(what + " outside a Spark task, on thread "
                        + Thread.currentThread().getName());
            }
            return ctx;
        }

        @Override
        public TextEmbedder open(org.bg2vec.djl.ComputeDevice device, org.bg2vec.modelstore.ModelStore models) {
            task("model loaded");
            HashingEmbedder h = new HashingEmbedder(dimension, seed);
            return new TextEmbedder() {
                @Override
                public int dimension() {
                    return dimension;
                }

                @Override
                public float[][] embed(List<String> texts) {
                    TaskContext ctx = task("texts embedded");
                    TASKS.add(dimension + "/stage " + ctx.stageId() + "/partition " + ctx.partitionId());
                    return h.embed(texts);
                }

                @Override
                public void close() {
                    h.close();
                }
            };
        }
    }

    @Test
    void theEmbeddingRunsAsSparkTasksAndGivesTheInProcessNumbers(@TempDir Path dir) throws Exception {
        Path data = writePrepared(dir);
        EvaluateSpec spec = new EvaluateSpec(data.toString(), null, dir.resolve("r").toString(), 3, 1000,
                DeviceRequest.CPU);
        TaskOnlyFactory.TASKS.clear();
        EvalReport onExecutors = EvaluateJob.run(spark, spec, List.of(
                new Evaluation.Model("base", new TaskOnlyFactory(16, 1)),
                new Evaluation.Model("trained", new TaskOnlyFactory(64, 2))));

        // local[2]: two partitions per model, each a task that embedded its texts
        assertEquals(4, TaskOnlyFactory.TASKS.size(), TaskOnlyFactory.TASKS.toString());
        assertEquals(2, TaskOnlyFactory.TASKS.stream().filter(t -> t.startsWith("16/")).count());
        EvalReport inProcess = new Evaluation(3).run(EvaluateJob.load(spark, spec), List.of(
                new Evaluation.Model("base", new HashingEmbedder.Factory(16, 1)),
                new Evaluation.Model("trained", new HashingEmbedder.Factory(64, 2))));
        assertEquals(inProcess.datasets(), onExecutors.datasets(), "the same numbers as embedding in the driver");
    }

    @Test
    void theReportNamesTheEffectiveSettingsOfEachModel(@TempDir Path dir) throws Exception {
        Path data = writePrepared(dir);
        Path model = dir.resolve("model");
        org.bg2vec.model.RandomCheckpoint.write(org.bg2vec.model.ModelPreset.TINY, MistralEncodeJobTest.LLAMA2, "<s>",
                "</s>", 3L, model);
        Path adapter = dir.resolve("adapter");
        try (org.bg2vec.model.MistralEncoder enc = org.bg2vec.model.MistralEncoder.load(model,
                org.bg2vec.model.EncoderOptions.cpu())) {
            enc.newTrainableAdapter(new org.bg2vec.model.LoraConfig(2, 4, 0.0, List.of("q_proj"), "m"), 1L);
            enc.saveAdapter(adapter);
        }
        Files.writeString(adapter.resolve("llm2vec_config.json"), "{\"max_length\": 16, \"pooling_mode\": \"mean\"}");
        Path out = dir.resolve("report");
        EvaluateJob.run(spark, new EvaluateSpec(data.toString(), null, out.toString(), 4, 100, DeviceRequest.CPU),
                List.of(new Evaluation.Model("base", org.bg2vec.encode.EmbedderFactories.forModel(model, null)),
                        new Evaluation.Model("trained", org.bg2vec.encode.EmbedderFactories.forModel(model, adapter))));
        JsonNode settings = new ObjectMapper().readTree(out.resolve(ReportFiles.JSON).toFile()).get("settings");
        assertEquals(512, settings.get("base").get("max_length").asInt(), "no llm2vec_config.json: llm2vec's default");
        assertEquals(16, settings.get("trained").get("max_length").asInt());
        assertTrue(settings.get("trained").get("source").asText().endsWith("llm2vec_config.json of file:" + adapter),
                settings.toString());
        String md = Files.readString(out.resolve(ReportFiles.MARKDOWN));
        assertTrue(md.contains("- **trained**: model `file:" + model + "`") && md.contains("max length `16`"), md);
    }

    @Test
    void validationWithoutLeadColumnIsAClearError(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("prepared");
        spark.createDataFrame(List.of(RowFactory.create(1L, 2L, "t", "q", "p")), new StructType()
                        .add("sample_id", DataTypes.LongType).add("page_id", DataTypes.LongType)
                        .add("title", DataTypes.StringType).add("query", DataTypes.StringType)
                        .add("positive", DataTypes.StringType))
                .write().parquet(data.resolve("validation").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvaluateJob.run(spark,
                new EvaluateSpec(data.toString(), null, dir.resolve("r").toString(), 4, 100, DeviceRequest.CPU),
                List.of(new Evaluation.Model("base", new HashingEmbedder.Factory(8, 1)))));
        assertTrue(e.getMessage().contains("lacks column(s) lead; columns found: sample_id, page_id, title, query, "
                + "positive"), e.getMessage());
    }

    @Test
    void missingDataPathIsAClearError(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvaluateJob.run(spark,
                new EvaluateSpec(dir.resolve("nope").toString(), null, dir.resolve("r").toString(), 4, 100, DeviceRequest.CPU),
                List.of(new Evaluation.Model("base", new HashingEmbedder.Factory(8, 1)))));
        assertTrue(e.getMessage().contains("evaluation data not found"), e.getMessage());
    }

    @Test
    void csvPairFileAsDataIsEvaluatedAlone(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("pairs.csv");
        Files.writeString(csv, "query,positive\n"
                + "столица,\"София, столицата\"\n"
                + "река,Дунав е река\n"
                + ",без заявка\n");
        EvalReport report = EvaluateJob.run(spark,
                new EvaluateSpec(csv.toString(), null, dir.resolve("r").toString(), 4, 100, DeviceRequest.CPU),
                List.of(new Evaluation.Model("base", new HashingEmbedder.Factory(16, 5))));
        assertEquals(1, report.datasets().size());
        EvalReport.DatasetResult d = report.datasets().get(0);
        assertEquals("pairs.csv", d.name());
        assertEquals(1L, d.counts().get("rows_skipped_blank_query_or_positive"));
        HashingEmbedder e = new HashingEmbedder(16, 5);
        RetrievalMetrics.Result r = RetrievalMetrics.evaluate(vectors(e, List.of("столица", "река")),
                vectors(e, List.of("София, столицата", "Дунав е река")), new int[]{0, 1});
        assertEquals(r.mrr(), EvalReport.value(d, "base", Metric.MRR));
        assertEquals(null, EvalReport.value(d, "base", Metric.TRIPLET_MARGIN));
    }
}
