package org.bg2vec.eval;

import java.util.List;
import java.util.Map;

/**
 * Everything one evaluation dataset asks of an encoder, as texts.
 *
 * @param name           short name used in the report
 * @param source         where it was read from
 * @param description    how the retrieval task is built, in words (written into the report)
 * @param retrieval      query → document retrieval
 * @param alignmentPairs positive pairs for alignment (negative unused)
 * @param uniformity     texts for uniformity (distinct); empty when the dataset does not measure it
 * @param triplets       (anchor, positive, negative) triples for the challenging-triples score; may be empty
 * @param counts         rows read, skipped and used, by name, for the report
 */
public record EvalDataset(String name, String source, String description, RetrievalTask retrieval, List<TextPair> alignmentPairs,
                          List<String> uniformity, List<TextPair> triplets, Map<String, Long> counts) {

    public EvalDataset {
        alignmentPairs = List.copyOf(alignmentPairs);
        uniformity = List.copyOf(uniformity);
        triplets = List.copyOf(triplets);
        counts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counts));
        if (retrieval.queries().isEmpty()) {
            throw new IllegalArgumentException(source + ": nothing to evaluate (no usable rows)");
        }
        if (uniformity.size() == 1) {
            throw new IllegalArgumentException(source + ": uniformity needs at least 2 distinct texts, found "
                    + uniformity.size());
        }
    }
}
