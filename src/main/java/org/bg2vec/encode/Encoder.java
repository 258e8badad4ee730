package org.bg2vec.encode;

import java.util.ArrayList;
import java.util.List;

/**
 * The in-process encoder: texts in, vectors out, in the caller's order, using length-sorted batches, the
 * optional instruction and optional L2 normalisation. The Spark {@code encode} job runs exactly this inside
 * every partition, so its output equals {@code new Encoder(embedder, options).encode(texts)}.
 *
 * <p>Null or blank texts (empty or whitespace only) are not embedded: their row of the result is
 * {@code null}. A decoder with mean pooling has no token to pool for them (llm2vec would divide by zero), and
 * a made-up vector would be indistinguishable from a real one downstream.
 */
public final class Encoder {

    private final TextEmbedder embedder;
    private final EncodeOptions options;

    public Encoder(TextEmbedder embedder, EncodeOptions options) {
        this.embedder = embedder;
        this.options = options;
    }

    /** True for texts the encoder leaves without a vector. */
    public static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    /** Vectors for {@code texts}, row {@code i} for text {@code i}; null rows for null or blank texts. */
    public float[][] encode(List<String> texts) {
        List<String> present = new ArrayList<>(texts.size());
        int[] where = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (isBlank(t)) {
                where[i] = -1;
            } else {
                where[i] = present.size();
                present.add(Instructions.apply(options.instruction(), t));
            }
        }
        float[][] vectors = LengthSortedBatches.embedInOrder(embedder, present, options.batchSize());
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            if (where[i] >= 0) {
                float[] v = vectors[where[i]];
                out[i] = options.normalize() ? Vectors.normalize(v) : v;
            }
        }
        return out;
    }
}
