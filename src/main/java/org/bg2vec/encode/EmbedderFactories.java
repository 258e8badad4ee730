package org.bg2vec.encode;

import java.nio.file.Path;

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
        // TODO(integration): the lead replaces this body with the real model-backed factory.
        throw new UnsupportedOperationException("model loading is wired at integration: no model-backed "
                + "embedder on this branch yet (model " + model + (adapter == null ? "" : ", adapter " + adapter)
                + ")");
    }
}
