package org.bg2vec.encode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Batching the llm2vec way: sort texts by length (longest first, so a batch that does not fit in memory
 * fails at once), cut into batches, embed, and put the vectors back in the caller's order. Sorting keeps
 * the padding inside a batch small. Ties keep the input order, so the plan is deterministic.
 */
public final class LengthSortedBatches {

    private LengthSortedBatches() {
    }

    /**
     * The batches as lists of input indices: indices sorted by descending text length (stable), then cut
     * into consecutive groups of at most {@code batchSize}.
     */
    public static List<int[]> plan(List<String> texts, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        int[] order = IntStream.range(0, texts.size()).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -texts.get(i).length()))
                .mapToInt(Integer::intValue).toArray();
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            int[] batch = new int[end - start];
            System.arraycopy(order, start, batch, 0, batch.length);
            batches.add(batch);
        }
        return batches;
    }

    /**
     * Embeds {@code texts} (none null) in length-sorted batches and returns the vectors in input order.
     *
     * @throws IllegalStateException if the embedder returns the wrong number of rows or a row whose length is
     *                               not {@link TextEmbedder#dimension()}
     */
    public static float[][] embedInOrder(TextEmbedder embedder, List<String> texts, int batchSize) {
        float[][] out = new float[texts.size()][];
        int dim = embedder.dimension();
        for (int[] batch : plan(texts, batchSize)) {
            List<String> batchTexts = new ArrayList<>(batch.length);
            for (int i : batch) {
                batchTexts.add(texts.get(i));
            }
            float[][] vectors = embedder.embed(batchTexts);
            if (vectors.length != batch.length) {
                throw new IllegalStateException("embedder returned " + vectors.length + " vectors for a batch of "
                        + batch.length + " texts");
            }
            for (int k = 0; k < batch.length; k++) {
                if (vectors[k] == null || vectors[k].length != dim) {
                    throw new IllegalStateException("embedder returned a vector of length "
                            + (vectors[k] == null ? "null" : vectors[k].length) + ", expected its dimension " + dim);
                }
                out[batch[k]] = vectors[k];
            }
        }
        return out;
    }
}
