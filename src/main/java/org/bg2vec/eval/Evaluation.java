package org.bg2vec.eval;

import org.apache.hadoop.conf.Configuration;
import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.encode.EncodeOptions;
import org.bg2vec.encode.Encoder;
import org.bg2vec.encode.TextEmbedder;
import org.bg2vec.encode.TextEmbedderFactory;
import org.bg2vec.modelstore.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates encoders side by side on a list of datasets. Every distinct text of all datasets is embedded once per
 * model, one model after the other (so a base and an adapted 7B model never share a device), by an
 * {@link Embedding}: on Spark executors in the {@code evaluate} job, or in this process ({@link #inProcess}). The
 * metrics are then computed here on the vectors ({@link RetrievalMetrics}, {@link AlignmentUniformity},
 * {@link TripletMetrics}); this needs the vectors of all distinct texts of one model in memory (4 × hidden size
 * bytes per text, 16 KiB for a 7B model) and about as much again for the normalised copies the metrics use.
 */
public final class Evaluation {

    private static final Logger LOG = LoggerFactory.getLogger(Evaluation.class);

    /** What each metric means, written into eval.json. */
    public static final Map<String, String> DEFINITIONS = definitions();

    /** A model to evaluate: its column name and how to open it. */
    public record Model(String name, TextEmbedderFactory factory) {
    }

    /** Embeds texts with a model: row {@code i} for text {@code i} (texts are distinct and not blank). */
    @FunctionalInterface
    public interface Embedding {
        float[][] embed(Model model, List<String> texts);
    }

    private final int batchSize;
    private final Bootstrap bootstrap;

    /** Intervals with {@link Bootstrap#defaults()}. */
    public Evaluation(int batchSize) {
        this(batchSize, Bootstrap.defaults());
    }

    public Evaluation(int batchSize, Bootstrap bootstrap) {
        this.batchSize = batchSize;
        this.bootstrap = bootstrap;
    }

    /** Embeds in this process: each model opened on {@code device}, used, closed. */
    public Embedding inProcess(ComputeDevice device, ModelStore models) {
        return (model, texts) -> {
            try (TextEmbedder embedder = model.factory().open(device, models)) {
                return new Encoder(embedder, new EncodeOptions(batchSize, false, null)).encode(texts);
            }
        };
    }

    /** Every model on every dataset, embedded in this process on the CPU. */
    public EvalReport run(List<EvalDataset> datasets, List<Model> models) {
        return run(datasets, models, inProcess(ComputeDevice.cpu(), ModelStore.withDefaults(new Configuration())));
    }

    /** Every model on every dataset, embedded by {@code embedding}. */
    public EvalReport run(List<EvalDataset> datasets, List<Model> models, Embedding embedding) {
        List<String> names = models.stream().map(Model::name).toList();
        if (new LinkedHashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("model names must be distinct: " + names);
        }
        List<String> texts = distinctTexts(datasets);
        List<List<MetricScores>> perDataset = new ArrayList<>();
        for (int i = 0; i < datasets.size(); i++) {
            perDataset.add(new ArrayList<>());
        }
        Map<String, Map<String, Object>> settings = new LinkedHashMap<>();
        for (Model model : models) {
            settings.put(model.name(), model.factory().reportSettings());
            float[][] vectors = embedding.embed(model, texts);
            if (vectors.length != texts.size()) {
                throw new IllegalStateException(model.name() + ": " + vectors.length + " vectors for " + texts.size()
                        + " texts");
            }
            Map<String, float[]> byText = new HashMap<>();
            for (int i = 0; i < texts.size(); i++) {
                byText.put(texts.get(i), vectors[i]);
            }
            for (int i = 0; i < datasets.size(); i++) {
                MetricScores s = scores(datasets.get(i), byText);
                perDataset.get(i).add(s);
                LOG.info("evaluate: {} on {}: {}", model.name(), datasets.get(i).name(), s.values());
            }
        }
        List<EvalReport.DatasetResult> results = new ArrayList<>();
        for (int i = 0; i < datasets.size(); i++) {
            results.add(result(datasets.get(i), names, perDataset.get(i)));
        }
        return new EvalReport(names, settings, results, bootstrap, DEFINITIONS);
    }

    private EvalReport.DatasetResult result(EvalDataset d, List<String> names, List<MetricScores> scores) {
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        for (int m = 0; m < names.size(); m++) {
            metrics.put(names.get(m), scores.get(m).values());
        }
        Uncertainty u = Uncertainty.of(bootstrap, names, scores);
        return new EvalReport.DatasetResult(d.name(), d.source(), d.description(), d.counts(), metrics,
                u.intervals(), u.changes());
    }

    /** The metrics of one embedder on one dataset, keyed by {@link Metric#key()}, in {@link Metric} order. */
    public Map<String, Double> evaluate(EvalDataset d, TextEmbedder embedder) {
        List<String> texts = distinctTexts(List.of(d));
        float[][] vectors = new Encoder(embedder, new EncodeOptions(batchSize, false, null)).encode(texts);
        Map<String, float[]> byText = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            byText.put(texts.get(i), vectors[i]);
        }
        return scores(d, byText).values();
    }

    /**
     * The metrics of one dataset from the vectors of its texts ({@code vectors} maps every text of the dataset
     * to its embedding), with the per-item values the bootstrap resamples.
     */
    public static MetricScores scores(EvalDataset d, Map<String, float[]> vectors) {
        Map<String, Double> out = new LinkedHashMap<>();
        Map<String, double[]> items = new LinkedHashMap<>();
        RetrievalTask t = d.retrieval();
        float[][] documents = lookup(vectors, t.documents());
        int[] ranks = RetrievalMetrics.ranks(lookup(vectors, t.queries()), documents, t.relevant());
        RetrievalMetrics.PerQuery q = RetrievalMetrics.perQuery(ranks);
        RetrievalMetrics.Result r = RetrievalMetrics.fromRanks(ranks, documents.length);
        put(out, items, Metric.RECALL_AT_1, r.recallAt1(), q.hitAt1());
        put(out, items, Metric.RECALL_AT_10, r.recallAt10(), q.hitAt10());
        put(out, items, Metric.MRR, r.mrr(), q.reciprocalRank());
        float[][] anchors = lookup(vectors, d.alignmentPairs().stream().map(TextPair::query).toList());
        float[][] positives = lookup(vectors, d.alignmentPairs().stream().map(TextPair::positive).toList());
        put(out, items, Metric.ALIGNMENT, AlignmentUniformity.alignment(anchors, positives),
                AlignmentUniformity.squaredDistances(anchors, positives));
        if (!d.uniformity().isEmpty()) {
            out.put(Metric.UNIFORMITY.key(), AlignmentUniformity.uniformity(lookup(vectors, d.uniformity())));
        }
        if (!d.triplets().isEmpty()) {
            float[][] a = lookup(vectors, d.triplets().stream().map(TextPair::query).toList());
            float[][] p = lookup(vectors, d.triplets().stream().map(TextPair::positive).toList());
            float[][] n = lookup(vectors, d.triplets().stream().map(TextPair::negative).toList());
            TripletMetrics.Result tr = TripletMetrics.evaluate(a, p, n);
            TripletMetrics.PerTriple per = TripletMetrics.perTriple(a, p, n);
            put(out, items, Metric.TRIPLET_MARGIN, tr.meanMargin(), per.margins());
            put(out, items, Metric.TRIPLET_ACCURACY, tr.accuracy(), per.correct());
        }
        return new MetricScores(out, items);
    }

    private static void put(Map<String, Double> values, Map<String, double[]> items, Metric m, double value,
                            double[] perItem) {
        values.put(m.key(), value);
        items.put(m.key(), perItem);
    }

    /** Every text the datasets ask an encoder about, each once, in first-seen order. */
    static List<String> distinctTexts(List<EvalDataset> datasets) {
        Set<String> texts = new LinkedHashSet<>();
        for (EvalDataset d : datasets) {
            texts.addAll(d.retrieval().queries());
            texts.addAll(d.retrieval().documents());
            for (TextPair p : d.alignmentPairs()) {
                texts.add(p.query());
                texts.add(p.positive());
            }
            texts.addAll(d.uniformity());
            for (TextPair p : d.triplets()) {
                texts.add(p.query());
                texts.add(p.positive());
                texts.add(p.negative());
            }
        }
        return new ArrayList<>(texts);
    }

    private static float[][] lookup(Map<String, float[]> vectors, List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = vectors.get(texts.get(i));
        }
        return out;
    }

    private static Map<String, String> definitions() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("retrieval", "exact cosine ranking of every query against the whole de-duplicated corpus; each query "
                + "has one relevant document; rank = 1 + number of other documents scoring >= the relevant one "
                + "(ties count against the query)");
        d.put("recall_at_1", "fraction of queries whose relevant document has rank 1");
        d.put("recall_at_10", "fraction of queries whose relevant document has rank <= 10");
        d.put("mrr", "mean of 1/rank over all queries (not cut off)");
        d.put("alignment", "mean ||f(x)-f(x+)||^2 over positive pairs of L2-normalised embeddings "
                + "(validation: (title, lead) of each page; pair files: (query, positive)); lower is better");
        d.put("uniformity", "log mean exp(-2 ||f(x)-f(y)||^2) over all distinct pairs of L2-normalised embeddings "
                + "(validation: distinct sample texts; pair files: distinct query and positive texts); lower is "
                + "better");
        d.put("triplet_margin", "mean cos(anchor, positive) - cos(anchor, negative) over triples (the "
                + "challenging-triples score); higher is better");
        d.put("triplet_accuracy", "fraction of triples with cos(anchor, positive) > cos(anchor, negative)");
        d.put("interval", "a metric's confidence interval: " + Bootstrap.METHOD + "; uniformity has none (it is a "
                + "mean over pairs of texts, not over independent items)");
        d.put("change", "trained - base, with the paired bootstrap interval of the per-item differences");
        d.put("verdict", "better / worse when the interval of the change excludes 0 (in the metric's direction), "
                + "else no significant change; one test per metric, not corrected for multiple comparisons");
        return java.util.Collections.unmodifiableMap(d);
    }
}
