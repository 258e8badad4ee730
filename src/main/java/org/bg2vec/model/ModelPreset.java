package org.bg2vec.model;

import java.util.Locale;

/** Sizes of random Mistral models for demos, tests and benchmarks ({@code init-model --preset}). */
public enum ModelPreset {
    /** The tiny-mistral fixture's shape: hidden 64, 2 layers, 4 heads, 2 kv heads, MLP 176. */
    TINY(64, 176, 2, 4, 2),
    /** hidden 256, 4 layers, 8 heads, 4 kv heads, MLP 688 (the benchmark model). */
    SMALL(256, 688, 4, 8, 4),
    /** hidden 512, 8 layers, 8 heads, 4 kv heads, MLP 1376. */
    MEDIUM(512, 1376, 8, 8, 4);

    private final int hidden;
    private final int intermediate;
    private final int layers;
    private final int heads;
    private final int kvHeads;

    ModelPreset(int hidden, int intermediate, int layers, int heads, int kvHeads) {
        this.hidden = hidden;
        this.intermediate = intermediate;
        this.layers = layers;
        this.heads = heads;
        this.kvHeads = kvHeads;
    }

    /** The Mistral config of this size with the given vocabulary and special-token ids. */
    public MistralConfig config(int vocabSize, int bosTokenId, int eosTokenId) {
        return new MistralConfig(vocabSize, hidden, intermediate, layers, heads, kvHeads, 1e-5, 10000.0, 4096,
                bosTokenId, eosTokenId, null, 0.0, null);
    }

    /** Parses {@code tiny}, {@code small}, {@code medium} (any case). */
    public static ModelPreset parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown model preset '" + s + "' (tiny, small, medium)", e);
        }
    }
}
