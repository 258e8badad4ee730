package org.bg2vec.model;

import ai.djl.ndarray.NDArray;

/**
 * A trainable tensor with its PEFT key name, e.g.
 * {@code base_model.model.layers.0.self_attn.q_proj.lora_A.weight}. Always float32; requires grad.
 */
public record NamedParameter(String name, NDArray array) {
}
