package org.bg2vec.eval;

import org.bg2vec.encode.Encoder;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds {@link EvalDataset}s from the rows a reader collected. Null or blank texts are skipped and counted.
 * Document corpora are de-duplicated by exact text (two queries whose relevant texts are equal share one
 * document, so a duplicate never counts as a competitor of itself).
 */
public final class EvalDatasets {

    /** Uniformity texts kept when the caller does not say (uniformity costs n² distance computations). */
    public static final int DEFAULT_MAX_UNIFORMITY = 10_000;
    /** Queries of the passage-halves task kept when the caller does not say (each costs two embeddings). */
    public static final int DEFAULT_MAX_HALVES = 10_000;
    /** Name of the passage-halves dataset in the report. */
    public static final String HALVES = "validation-halves";
    /** Words a sample text needs to enter the passage-halves task (at least 4 on each side). */
    public static final int MIN_HALVES_WORDS = 8;

    static final String TITLE_LEAD = "title -> lead: each validation page's title is the query; its lead (the "
            + "article's first paragraph) is the one relevant document among the distinct leads of all validation "
            + "pages";
    static final String HALVES_TASK = "first half -> second half: each distinct validation sample text (the "
            + "positive column) of at least " + MIN_HALVES_WORDS + " words is cut at its middle word (first "
            + "floor(n/2) words | the rest); the first half is the query, its own second half the one relevant "
            + "document among the second halves of all of them. Built from the validation split alone, no labels";
    static final String PAIRS_TASK = "query -> positive: each row's query against the distinct positives and "
            + "negatives of the file";

    private EvalDatasets() {
    }

    /**
     * The prepared validation split: title → lead retrieval over one (title, lead) per page (the first row of
     * each page in the order given); alignment over those (title, lead) pairs; uniformity over the first
     * {@code maxUniformity} distinct sample texts.
     *
     * @param articles rows of the split in sample order (a page may repeat: one row per sample)
     * @param samples  the sample texts (the {@code positive} column) in sample order
     */
    public static EvalDataset fromValidation(String source, List<Article> articles, List<String> samples,
                                             int maxUniformity) {
        Map<String, Long> counts = new LinkedHashMap<>();
        Set<Long> seen = new HashSet<>();
        List<String> titles = new ArrayList<>();
        List<String> leads = new ArrayList<>();
        long blank = 0;
        for (Article a : articles) {
            if (!seen.add(a.pageId())) {
                continue;
            }
            if (Encoder.isBlank(a.title()) || Encoder.isBlank(a.lead())) {
                blank++;
                continue;
            }
            titles.add(a.title());
            leads.add(a.lead());
        }
        counts.put("pages", (long) seen.size());
        counts.put("pages_skipped_blank_title_or_lead", blank);
        RetrievalTask retrieval = countedTask(titles, leads, counts);
        List<TextPair> align = zip(titles, leads);
        long blankSamples = samples.stream().filter(Encoder::isBlank).count();
        List<String> uni = distinct(samples, maxUniformity);
        counts.put("samples", (long) samples.size());
        counts.put("samples_skipped_blank", blankSamples);
        counts.put("uniformity_texts", (long) uni.size());
        return new EvalDataset("validation", source, TITLE_LEAD, retrieval, align, uni, List.of(), counts);
    }

    /**
     * A user's pair or triplet file: query → positive retrieval over the distinct positives and negatives;
     * alignment over (query, positive); uniformity over the first {@code maxUniformity} distinct query and
     * positive texts; the challenging-triples score over rows with a negative.
     */
    public static EvalDataset fromPairs(String name, String source, List<TextPair> rows, int maxUniformity) {
        Map<String, Long> counts = new LinkedHashMap<>();
        List<String> queries = new ArrayList<>();
        List<String> positives = new ArrayList<>();
        List<String> negatives = new ArrayList<>();
        List<TextPair> pairs = new ArrayList<>();
        List<TextPair> triplets = new ArrayList<>();
        long blank = 0;
        long noNegative = 0;
        for (TextPair r : rows) {
            if (Encoder.isBlank(r.query()) || Encoder.isBlank(r.positive())) {
                blank++;
                continue;
            }
            queries.add(r.query());
            positives.add(r.positive());
            pairs.add(new TextPair(r.query(), r.positive(), null));
            if (Encoder.isBlank(r.negative())) {
                noNegative++;
            } else {
                negatives.add(r.negative());
                triplets.add(r);
            }
        }
        counts.put("rows", (long) rows.size());
        counts.put("rows_skipped_blank_query_or_positive", blank);
        counts.put("rows_without_negative", noNegative);
        RetrievalTask retrieval = task(queries, positives, negatives);
        counts.put("queries", (long) queries.size());
        counts.put("documents", (long) retrieval.documents().size());
        counts.put("triplets", (long) triplets.size());
        List<String> both = new ArrayList<>(queries);
        both.addAll(positives);
        List<String> uni = distinct(both, maxUniformity);
        counts.put("uniformity_texts", (long) uni.size());
        return new EvalDataset(name, source, PAIRS_TASK, retrieval, pairs, uni, triplets, counts);
    }

    /**
     * The passage-halves task over the validation sample texts (see {@link #HALVES_TASK}): the first
     * {@code maxQueries} distinct texts of at least {@link #MIN_HALVES_WORDS} words, in sample order; alignment
     * over the (first half, second half) pairs; no uniformity (the validation dataset measures it on whole texts).
     * Null when no text is long enough.
     */
    public static EvalDataset passageHalves(String source, List<String> samples, int maxQueries) {
        if (maxQueries < 1) {
            throw new IllegalArgumentException("the passage-halves task needs maxQueries >= 1, got " + maxQueries);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        List<String> firsts = new ArrayList<>();
        List<String> seconds = new ArrayList<>();
        long blank = 0;
        long duplicates = 0;
        long short_ = 0;
        for (String s : samples) {
            if (firsts.size() >= maxQueries) {
                break;
            }
            if (Encoder.isBlank(s)) {
                blank++;
            } else if (!seen.add(s)) {
                duplicates++;
            } else {
                String[] words = s.strip().split("\\s+");
                if (words.length < MIN_HALVES_WORDS) {
                    short_++;
                    continue;
                }
                int k = words.length / 2;
                firsts.add(String.join(" ", java.util.Arrays.asList(words).subList(0, k)));
                seconds.add(String.join(" ", java.util.Arrays.asList(words).subList(k, words.length)));
            }
        }
        counts.put("samples", (long) samples.size());
        counts.put("samples_skipped_blank", blank);
        counts.put("samples_skipped_duplicate", duplicates);
        counts.put("samples_skipped_short", short_);
        if (firsts.isEmpty()) {
            return null;
        }
        RetrievalTask retrieval = countedTask(firsts, seconds, counts);
        return new EvalDataset(HALVES, source, HALVES_TASK, retrieval, zip(firsts, seconds), List.of(), List.of(),
                counts);
    }

    /** {@link #task} without extra documents, with its "queries" and "documents" counted into {@code counts}. */
    private static RetrievalTask countedTask(List<String> queries, List<String> relevant, Map<String, Long> counts) {
        RetrievalTask t = task(queries, relevant, List.of());
        counts.put("queries", (long) queries.size());
        counts.put("documents", (long) t.documents().size());
        return t;
    }

    /** The pairs (a_i, b_i). */
    private static List<TextPair> zip(List<String> a, List<String> b) {
        List<TextPair> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(new TextPair(a.get(i), b.get(i), null));
        }
        return out;
    }

    /** Retrieval with query i → relevant text i, over the distinct relevant and extra texts. */
    static RetrievalTask task(List<String> queries, List<String> relevantTexts, List<String> extraDocuments) {
        Map<String, Integer> index = new LinkedHashMap<>();
        int[] relevant = new int[queries.size()];
        for (int i = 0; i < relevantTexts.size(); i++) {
            relevant[i] = index.computeIfAbsent(relevantTexts.get(i), t -> index.size());
        }
        for (String t : extraDocuments) {
            index.computeIfAbsent(t, x -> index.size());
        }
        return new RetrievalTask(queries, new ArrayList<>(index.keySet()), relevant);
    }

    private static List<String> distinct(List<String> texts, int max) {
        if (max < 2) {
            throw new IllegalArgumentException("the uniformity sample must be >= 2, got " + max);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String t : texts) {
            if (out.size() >= max) {
                break;
            }
            if (!Encoder.isBlank(t)) {
                out.add(t);
            }
        }
        return new ArrayList<>(out);
    }
}
