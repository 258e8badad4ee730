package org.bg2vec.encode;

import java.util.List;

/**
 * A text encoder: texts in, one vector per text out. Implementations hold a model (and its native memory),
 * so they are {@link AutoCloseable}; one instance serves one thread at a time.
 *
 * <p>A text may carry an instruction in llm2vec's form {@code instruction !@#$%^&*()text} (see
 * {@link Instructions}); the implementation pools only the text part. A text without the separator is pooled
 * whole.
 */
public interface TextEmbedder extends AutoCloseable {

    /** Length of every vector {@link #embed} returns. */
    int dimension();

    /**
     * Embeds a batch. Row {@code i} of the result is the (not normalised) embedding of {@code texts.get(i)}.
     * Texts are never null here; callers decide what to do with null or blank texts before calling.
     */
    float[][] embed(List<String> texts);

    /** Releases the model; no exception is declared so that try-with-resources stays simple. */
    @Override
    void close();
}
