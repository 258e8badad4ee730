package org.bg2vec.eval;

import java.util.stream.IntStream;

/**
 * Exact cosine retrieval over a whole corpus: every query is scored against every document, and the rank of
 * its one relevant document gives Recall@1, Recall@10 and MRR.
 *
 * <p>Ties are counted against the query: the rank of the relevant document is 1 + the number of
 * <em>other</em> documents whose score is greater than <em>or equal to</em> its score. The result does not
 * depend on the order of the corpus, and an encoder that maps everything to the same vector scores the worst
 * rank, not a lucky one. MRR is the mean of 1/rank over all queries, not cut off at 10.
 */
public final class RetrievalMetrics {

    private RetrievalMetrics() {
    }

    /** Retrieval scores of one run. */
    public record Result(int queries, int documents, double recallAt1, double recallAt10, double mrr) {
    }

    /**
     * The rank (1 = best) of each query's relevant document.
     *
     * @param queries   query vectors (any norm; normalised here)
     * @param documents document vectors
     * @param relevant  {@code relevant[i]} = index of query i's relevant document
     */
    public static int[] ranks(float[][] queries, float[][] documents, int[] relevant) {
        if (relevant.length != queries.length) {
            throw new IllegalArgumentException(queries.length + " queries but " + relevant.length + " relevant ids");
        }
        for (int i = 0; i < relevant.length; i++) {
            if (relevant[i] < 0 || relevant[i] >= documents.length) {
                throw new IllegalArgumentException("query " + i + " points at document " + relevant[i] + " of "
                        + documents.length);
            }
        }
        SimilarityMatrix m = new SimilarityMatrix(queries, documents, "query", "document");
        int[] ranks = new int[queries.length];
        int blocks = (queries.length + SimilarityMatrix.ROW_BLOCK - 1) / SimilarityMatrix.ROW_BLOCK;
        IntStream.range(0, blocks).parallel().forEach(b -> {
            int r0 = b * SimilarityMatrix.ROW_BLOCK;
            int r1 = Math.min(queries.length, r0 + SimilarityMatrix.ROW_BLOCK);
            float[][] scores = new float[r1 - r0][documents.length];
            m.scoreRows(r0, r1, scores);
            for (int i = r0; i < r1; i++) {
                float[] row = scores[i - r0];
                float gold = row[relevant[i]];
                int ahead = 0;
                for (int j = 0; j < row.length; j++) {
                    if (row[j] >= gold) {
                        ahead++;
                    }
                }
                ranks[i] = ahead; // the relevant document itself is counted once: rank = 1 + others >= gold
            }
        });
        return ranks;
    }

    /** Recall@1, Recall@10 and MRR of the ranks of {@link #ranks}. */
    public static Result evaluate(float[][] queries, float[][] documents, int[] relevant) {
        if (queries.length == 0) {
            throw new IllegalArgumentException("no queries to evaluate");
        }
        return fromRanks(ranks(queries, documents, relevant), documents.length);
    }

    static Result fromRanks(int[] ranks, int documents) {
        PerQuery q = perQuery(ranks);
        double at1 = 0;
        double at10 = 0;
        double rr = 0;
        for (int i = 0; i < ranks.length; i++) {
            at1 += q.hitAt1()[i];
            at10 += q.hitAt10()[i];
            rr += q.reciprocalRank()[i];
        }
        int n = ranks.length;
        return new Result(n, documents, at1 / n, at10 / n, rr / n);
    }

    /** Per query: 1 when the rank is at most 1 (10), else 0, and 1/rank; their means are the metrics. */
    public record PerQuery(double[] hitAt1, double[] hitAt10, double[] reciprocalRank) {
    }

    /** The per-query terms of Recall@1, Recall@10 and MRR for the ranks of {@link #ranks}. */
    public static PerQuery perQuery(int[] ranks) {
        double[] at1 = new double[ranks.length];
        double[] at10 = new double[ranks.length];
        double[] rr = new double[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            at1[i] = ranks[i] <= 1 ? 1 : 0;
            at10[i] = ranks[i] <= 10 ? 1 : 0;
            rr[i] = 1.0 / ranks[i];
        }
        return new PerQuery(at1, at10, rr);
    }
}
