package org.bg2vec.model;

import java.util.Locale;

/** Sizes of random Mistral models for demos, tests and benchmarks ({@code init-model --preset}). */
public enum ModelPreset {
    /** The tiny-mistral fixture's shape: hidden 64, 2 layers, 4 heads, 2 kv heads, MLP 176. */
    TINY(64, 176, 2, 4, 2),
    /** hidden 256, 4 layers, 8 heads, 4 kv heads, MLP 688 (the benchmark model). */
    SMALL(256, 688, 4, 8, 4),
    /** hidden 512, 8 layers, 8 heads, 4 kv heads, MLP 1376. */
    MEDIUM(512, 1376, 8, 8, 4),
    /** The real Mistral-7B / BgGPT-7B widths: hidden 4096, 32 layers, 32 heads on 8 kv heads, MLP 14336. */
    MISTRAL_7B(4096, 14336, 32, 32, 8);

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
        return config(vocabSize, bosTokenId, eosTokenId, layers);
    }

    /** The same shape with {@code layers} decoder layers instead of this preset's. */
    public MistralConfig config(int vocabSize, int bosTokenId, int eosTokenId, int layers) {
        return new MistralConfig(vocabSize, hidden, intermediate, layers, heads, kvHeads, 1e-5, 10000.0, 4096,
                bosTokenId, eosTokenId, null, 0.0, null);
    }

    /** Decoder layers of this preset. */
    public int layers() {
        return layers;
    }

    /** The preset's name on the command line: {@code tiny}, {@code small}, {@code medium}, {@code mistral-7b}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code tiny}, {@code small}, {@code medium}, {@code mistral-7b} (any case). */
    public static ModelPreset parse(String s) {
        for (ModelPreset p : values()) {
            if (p.cliName().equalsIgnoreCase(s.trim()) || p.name().equalsIgnoreCase(s.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown model preset '" + s + "' (tiny, small, medium, mistral-7b)");
    }
}
