package org.bg2vec.eval;

import java.util.List;

/**
 * Texts for a retrieval run: each query has exactly one relevant document.
 *
 * @param queries   query texts
 * @param documents the corpus (distinct texts)
 * @param relevant  {@code relevant[i]} = index in {@code documents} of query i's relevant document
 */
public record RetrievalTask(List<String> queries, List<String> documents, int[] relevant) {

    public RetrievalTask {
        queries = List.copyOf(queries);
        documents = List.copyOf(documents);
        relevant = relevant.clone();
        if (relevant.length != queries.size()) {
            throw new IllegalArgumentException(queries.size() + " queries but " + relevant.length + " relevant ids");
        }
    }
}
