package org.bg2vec.encode;

import org.bg2vec.model.Pooling;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds the {@link TextEmbedderFactory} for a model directory (plus adapters), by path or Hadoop URI. */
public final class EmbedderFactories {

    private EmbedderFactories() {
    }

    /**
     * The factory for the bidirectional Mistral in {@code model} with the LoRA adapter in {@code adapter} merged
     * (or the base model alone when {@code adapter} is null), encoding with the models' llm2vec settings
     * ({@link Llm2VecSettings}).
     *
     * @param model   directory with config.json, the safetensors weights and tokenizer.json
     * @param adapter PEFT adapter directory (adapter_config.json, adapter_model.safetensors, llm2vec_config.json),
     *                or null for the base model
     */
    public static TextEmbedderFactory forModel(Path model, Path adapter) {
        return forModel(model.toString(), List.of(), adapter == null ? null : adapter.toString(), null, null);
    }

    /**
     * The factory for the model at {@code model} (any Hadoop URI or local path) with {@code baseAdapters} (e.g.
     * the MNTP adapter) merged into the base first, then {@code adapter} (may be null).
     *
     * @param maxLength an explicit {@code --max-length} (BOS included), or null for the models' llm2vec settings
     * @param pooling   an explicit {@code --pooling}, or null for the models' llm2vec settings
     */
    public static TextEmbedderFactory forModel(String model, List<String> baseAdapters, String adapter,
                                               Integer maxLength, Pooling pooling) {
        List<String> all = new ArrayList<>(baseAdapters);
        if (adapter != null) {
            all.add(adapter);
        }
        return new MistralTextEmbedder.Factory(model, all, maxLength, pooling, null);
    }
}
