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

    public Evaluation(int batchSize) {
        this.batchSize = batchSize;
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
        List<Map<String, Map<String, Double>>> perDataset = new ArrayList<>();
        for (int i = 0; i < datasets.size(); i++) {
            perDataset.add(new LinkedHashMap<>());
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
                perDataset.get(i).put(model.name(), metrics(datasets.get(i), byText));
                LOG.info("evaluate: {} on {}: {}", model.name(), datasets.get(i).name(),
                        perDataset.get(i).get(model.name()));
            }
        }
        List<EvalReport.DatasetResult> results = new ArrayList<>();
        for (int i = 0; i < datasets.size(); i++) {
            EvalDataset d = datasets.get(i);
            results.add(new EvalReport.DatasetResult(d.name(), d.source(), d.counts(), perDataset.get(i)));
        }
        return new EvalReport(names, settings, results, DEFINITIONS);
    }

    /** The metrics of one embedder on one dataset, keyed by {@link Metric#key()}, in {@link Metric} order. */
    public Map<String, Double> evaluate(EvalDataset d, TextEmbedder embedder) {
        List<String> texts = distinctTexts(List.of(d));
        float[][] vectors = new Encoder(embedder, new EncodeOptions(batchSize, false, null)).encode(texts);
        Map<String, float[]> byText = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            byText.put(texts.get(i), vectors[i]);
        }
        return metrics(d, byText);
    }

    private static Map<String, Double> metrics(EvalDataset d, Map<String, float[]> v) {
        Map<String, Double> out = new LinkedHashMap<>();
        RetrievalTask t = d.retrieval();
        RetrievalMetrics.Result r = RetrievalMetrics.evaluate(lookup(v, t.queries()), lookup(v, t.documents()),
                t.relevant());
        out.put(Metric.RECALL_AT_1.key(), r.recallAt1());
        out.put(Metric.RECALL_AT_10.key(), r.recallAt10());
        out.put(Metric.MRR.key(), r.mrr());
        out.put(Metric.ALIGNMENT.key(), AlignmentUniformity.alignment(
                lookup(v, d.alignmentPairs().stream().map(TextPair::query).toList()),
                lookup(v, d.alignmentPairs().stream().map(TextPair::positive).toList())));
        out.put(Metric.UNIFORMITY.key(), AlignmentUniformity.uniformity(lookup(v, d.uniformity())));
        if (!d.triplets().isEmpty()) {
            TripletMetrics.Result tr = TripletMetrics.evaluate(
                    lookup(v, d.triplets().stream().map(TextPair::query).toList()),
                    lookup(v, d.triplets().stream().map(TextPair::positive).toList()),
                    lookup(v, d.triplets().stream().map(TextPair::negative).toList()));
            out.put(Metric.TRIPLET_MARGIN.key(), tr.meanMargin());
            out.put(Metric.TRIPLET_ACCURACY.key(), tr.accuracy());
        }
        return out;
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
        return java.util.Collections.unmodifiableMap(d);
    }
}
