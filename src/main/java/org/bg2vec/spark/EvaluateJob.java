package org.bg2vec.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.util.LongAccumulator;
import org.bg2vec.encode.EncodeOptions;
import org.bg2vec.encode.EncodeSpec;
import org.bg2vec.eval.Article;
import org.bg2vec.eval.EvalDataset;
import org.bg2vec.eval.EvalDatasets;
import org.bg2vec.eval.EvalReport;
import org.bg2vec.eval.EvaluateSpec;
import org.bg2vec.eval.Evaluation;
import org.bg2vec.eval.ReportFiles;
import org.bg2vec.eval.TextPair;
import org.bg2vec.format.PreparedData;
import org.bg2vec.io.TableFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code evaluate} driver: reads the evaluation data with Spark (the prepared validation split or a
 * pair/triplet file, plus an optional extra pair file) and collects its texts to the driver; embeds every
 * distinct text with each model as Spark tasks on the executors (the encode job's {@link EmbedPartition}: the
 * task's GPU, the model cache, one model per executor at a time); collects the vectors and computes the metrics
 * on the driver ({@link Evaluation}). The driver holds the vectors of one model at a time: 4 × hidden size bytes
 * per distinct text (16 KiB for a 7B model; 40 000 texts = 0.66 GB), about twice that at the peak of the metrics,
 * and the vectors travel as task results ({@code spark.driver.maxResultSize}).
 */
public final class EvaluateJob {

    private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);

    /** Columns of the prepared validation split that evaluation reads. */
    static final List<String> VALIDATION_COLUMNS = List.of(PreparedData.SAMPLE_ID,
            PreparedData.PAGE_ID, PreparedData.TITLE, PreparedData.LEAD, PreparedData.POSITIVE);
    /** Texts per embedding partition at most (more partitions for more texts: progress and retries). */
    static final int TEXTS_PER_PARTITION = 10_000;

    private EvaluateJob() {
    }

    /** Starts a Spark session, evaluates, writes the report files, stops the session. */
    public static EvalReport run(String master, Map<String, String> conf, EvaluateSpec spec,
                                 List<Evaluation.Model> models) {
        SparkSession spark = SparkSessions.getOrCreate(master, "bg2vec evaluate", conf);
        try {
            return run(spark, spec, models);
        } finally {
            spark.stop();
        }
    }

    /** Evaluates in an existing session and writes eval.json, eval.md and eval.png into the output. */
    public static EvalReport run(SparkSession spark, EvaluateSpec spec, List<Evaluation.Model> models) {
        List<EvalDataset> datasets = SparkErrors.asInputErrors(() -> load(spark, spec));
        for (EvalDataset d : datasets) {
            LOG.info("evaluate: dataset {} from {}: {}", d.name(), d.source(), d.counts());
        }
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        List<Evaluation.Model> resolved = new ArrayList<>();
        for (Evaluation.Model m : models) {
            resolved.add(new Evaluation.Model(m.name(), m.factory().resolve(hadoop)));
            LOG.info("evaluate: model {}: {}", m.name(), resolved.get(resolved.size() - 1).factory().describe());
        }
        EmbedPartition.Placement placement = EncodeJob.placement(spark, spec.device(), "evaluate");
        Evaluation evaluation = new Evaluation(spec.batchSize(), spec.bootstrap());
        EvalReport report = SparkErrors.asInputErrors(() -> evaluation.run(datasets, resolved,
                (model, texts) -> embed(spark, model, texts, spec.batchSize(), placement, 10_000)));
        try {
            ReportFiles.publish(report, spec.output(), hadoop);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + spec.output() + ": " + e.getMessage(), e);
        }
        LOG.info("evaluate: wrote {}, {} and {} into {}", ReportFiles.JSON, ReportFiles.MARKDOWN, ReportFiles.PNG,
                spec.output());
        return report;
    }

    /** The vectors of {@code texts} (distinct, not blank) from Spark tasks, in order. */
    static float[][] embed(SparkSession spark, Evaluation.Model model, List<String> texts, int batchSize,
                           EmbedPartition.Placement placement, long progressMillis) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Row> rows = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create(i, texts.get(i)));
        }
        int partitions = Math.max(1, Math.min(texts.size(), Math.max(jsc.defaultParallelism(),
                (texts.size() + TEXTS_PER_PARTITION - 1) / TEXTS_PER_PARTITION)));
        LongAccumulator done = spark.sparkContext().longAccumulator("evaluate " + model.name() + " texts");
        LongAccumulator blank = spark.sparkContext().longAccumulator("evaluate " + model.name() + " blank texts");
        JavaRDD<Row> vectors = jsc.parallelize(rows, partitions).mapPartitions(new EmbedPartition(model.factory(),
                new EncodeOptions(batchSize, false, null), 1, EncodeSpec.DEFAULT_SORT_WINDOW, placement, done, blank));
        LOG.info("evaluate: embedding {} distinct texts with {} in {} Spark tasks", texts.size(), model.name(),
                partitions);
        List<Row> collected;
        jsc.setJobGroup("bg2vec-evaluate-" + model.name(), "bg2vec evaluate: embed with " + model.name(), false);
        try (ProgressLog progress = new ProgressLog("evaluate " + model.name(), done, texts.size(), progressMillis)) {
            collected = vectors.collect();
            progress.log(done.value());
        } finally {
            jsc.clearJobGroup();
        }
        float[][] out = new float[texts.size()][];
        for (Row r : collected) {
            out[r.getInt(0)] = (float[]) r.get(1);
        }
        return out;
    }

    /** The datasets named by the spec, collected to the driver. */
    public static List<EvalDataset> load(SparkSession spark, EvaluateSpec spec) {
        List<EvalDataset> out = new ArrayList<>();
        if (isPreparedData(spark, spec.data())) {
            out.addAll(loadValidation(spark, spec.data(), spec.maxUniformity(), spec.maxHalves()));
        } else {
            out.add(loadPairs(spark, spec.data(), spec.maxUniformity()));
        }
        if (spec.pairs() != null && !spec.pairs().isBlank()) {
            out.add(loadPairs(spark, spec.pairs(), spec.maxUniformity()));
        }
        return out;
    }

    /** True when {@code path} is a directory with manifest.json or a validation/ directory. */
    static boolean isPreparedData(SparkSession spark, String path) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(p)) {
                throw new IllegalArgumentException("evaluation data not found: " + path);
            }
            return fs.getFileStatus(p).isDirectory()
                    && (fs.exists(new Path(p, PreparedData.MANIFEST)) || fs.exists(new Path(p, PreparedData.VALIDATION)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect " + path, e);
        }
    }

    /** Title → lead retrieval and, unless {@code maxHalves} is 0, the passage-halves task of the split. */
    static List<EvalDataset> loadValidation(SparkSession spark, String dir, int maxUniformity, int maxHalves) {
        String split = new Path(dir, PreparedData.VALIDATION).toString();
        Dataset<Row> df = spark.read().parquet(split);
        requireColumns(df, VALIDATION_COLUMNS, split);
        List<Row> rows = df.select(VALIDATION_COLUMNS.stream().map(functions::col).toArray(org.apache.spark.sql.Column[]::new))
                .orderBy(PreparedData.SAMPLE_ID).collectAsList();
        List<Article> articles = new ArrayList<>(rows.size());
        List<String> samples = new ArrayList<>(rows.size());
        long nullPages = 0;
        for (Row r : rows) {
            if (r.isNullAt(1)) {
                nullPages++;
            } else {
                articles.add(new Article(((Number) r.get(1)).longValue(), r.getString(2), r.getString(3)));
            }
            samples.add(r.getString(4));
        }
        if (nullPages > 0) {
            LOG.warn("evaluate: {} rows of {} have a null page_id and are left out of title → lead retrieval",
                    nullPages, split);
        }
        List<EvalDataset> out = new ArrayList<>();
        out.add(EvalDatasets.fromValidation(split, articles, samples, maxUniformity));
        EvalDataset halves = maxHalves == 0 ? null : EvalDatasets.passageHalves(split, samples, maxHalves);
        if (halves != null) {
            out.add(halves);
        }
        return out;
    }

    static EvalDataset loadPairs(SparkSession spark, String path, int maxUniformity) {
        Dataset<Row> df = Tables.read(spark, path, TableFormat.detect(path, null));
        requireColumns(df, List.of("query", "positive"), path);
        boolean hasNegative = Arrays.asList(df.columns()).contains("negative");
        List<String> cols = hasNegative ? List.of("query", "positive", "negative") : List.of("query", "positive");
        for (String c : cols) {
            String type = df.schema().apply(c).dataType().simpleString();
            if (!type.equals("string")) {
                throw new IllegalArgumentException(path + ": column '" + c + "' has type " + type + ", expected string");
            }
        }
        List<TextPair> rows = new ArrayList<>();
        for (Row r : df.select(cols.stream().map(functions::col).toArray(org.apache.spark.sql.Column[]::new))
                .collectAsList()) {
            rows.add(new TextPair(r.getString(0), r.getString(1), hasNegative ? r.getString(2) : null));
        }
        String name = new Path(path).getName();
        return EvalDatasets.fromPairs(name, path, rows, maxUniformity);
    }

    private static void requireColumns(Dataset<Row> df, List<String> required, String source) {
        List<String> found = Arrays.asList(df.columns());
        List<String> missing = required.stream().filter(c -> !found.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(source + " lacks column(s) " + String.join(", ", missing)
                    + "; columns found: " + String.join(", ", found) + "; expected " + String.join(", ", required));
        }
    }
}
