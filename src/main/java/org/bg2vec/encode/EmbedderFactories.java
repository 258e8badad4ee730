package org.bg2vec.encode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds the {@link TextEmbedderFactory} for a model directory (plus an optional adapter). */
public final class EmbedderFactories {

    private EmbedderFactories() {
    }

    /**
     * The factory for the bidirectional Mistral in {@code model} with the LoRA adapter in {@code adapter}
     * merged (or the base model alone when {@code adapter} is null).
     *
     * @param model     directory with config.json, the safetensors weights and tokenizer.json
     * @param adapter   PEFT adapter directory (adapter_config.json, adapter_model.safetensors,
     *                  llm2vec_config.json), or null for the base model
     * @param maxLength maximum tokens per text, BOS included
     */
    public static TextEmbedderFactory forModel(Path model, Path adapter, int maxLength) {
        return forModel(model, List.of(), adapter, maxLength);
    }

    /**
     * As {@link #forModel(Path, Path, int)}, with {@code baseAdapters} (e.g. the MNTP adapter) merged into
     * the base first, then {@code adapter} (may be null).
     */
    public static TextEmbedderFactory forModel(Path model, List<Path> baseAdapters, Path adapter, int maxLength) {
        List<String> all = new ArrayList<>();
        for (Path p : baseAdapters) {
            all.add(p.toString());
        }
        if (adapter != null) {
            all.add(adapter.toString());
        }
        return new MistralTextEmbedder.Factory(model.toString(), all, maxLength);
    }
}
