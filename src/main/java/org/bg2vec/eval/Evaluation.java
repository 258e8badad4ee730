package org.bg2vec.eval;

import org.bg2vec.encode.EncodeOptions;
import org.bg2vec.encode.Encoder;
import org.bg2vec.encode.TextEmbedder;
import org.bg2vec.encode.TextEmbedderFactory;
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
 * Evaluates encoders side by side on a list of datasets. Models are opened one at a time (so a base and an
 * adapted 7B model never share the device), every distinct text of a dataset is embedded once per model, and
 * the metrics are computed on the vectors ({@link RetrievalMetrics}, {@link AlignmentUniformity},
 * {@link TripletMetrics}).
 */
public final class Evaluation {

    private static final Logger LOG = LoggerFactory.getLogger(Evaluation.class);

    /** What each metric means, written into eval.json. */
    public static final Map<String, String> DEFINITIONS = definitions();

    /** A model to evaluate: its column name and how to open it. */
    public record Model(String name, TextEmbedderFactory factory) {
    }

    private final int batchSize;

    public Evaluation(int batchSize) {
        this.batchSize = batchSize;
    }

    /** Evaluates every model on every dataset. */
    public EvalReport run(List<EvalDataset> datasets, List<Model> models) {
        List<String> names = models.stream().map(Model::name).toList();
        if (new LinkedHashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("model names must be distinct: " + names);
        }
        List<Map<String, Map<String, Double>>> perDataset = new ArrayList<>();
        for (int i = 0; i < datasets.size(); i++) {
            perDataset.add(new LinkedHashMap<>());
        }
        for (Model model : models) {
            try (TextEmbedder embedder = model.factory().open(org.bg2vec.djl.ComputeDevice.cpu(),
                    org.bg2vec.modelstore.ModelStore.withDefaults(new org.apache.hadoop.conf.Configuration()))) {
                for (int i = 0; i < datasets.size(); i++) {
                    perDataset.get(i).put(model.name(), evaluate(datasets.get(i), embedder));
                    LOG.info("evaluate: {} on {}: {}", model.name(), datasets.get(i).name(),
                            perDataset.get(i).get(model.name()));
                }
            }
        }
        List<EvalReport.DatasetResult> results = new ArrayList<>();
        for (int i = 0; i < datasets.size(); i++) {
            EvalDataset d = datasets.get(i);
            results.add(new EvalReport.DatasetResult(d.name(), d.source(), d.counts(), perDataset.get(i)));
        }
        return new EvalReport(names, results, DEFINITIONS);
    }

    /** The metrics of one embedder on one dataset, keyed by {@link Metric#key()}, in {@link Metric} order. */
    public Map<String, Double> evaluate(EvalDataset d, TextEmbedder embedder) {
        Map<String, float[]> v = embedAll(d, embedder);
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

    private Map<String, float[]> embedAll(EvalDataset d, TextEmbedder embedder) {
        Set<String> texts = new LinkedHashSet<>(d.retrieval().queries());
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
        List<String> list = new ArrayList<>(texts);
        float[][] vectors = new Encoder(embedder, new EncodeOptions(batchSize, false, null)).encode(list);
        Map<String, float[]> out = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            out.put(list.get(i), vectors[i]);
        }
        return out;
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
