package org.bg2vec.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The architecture fields of a Hugging Face Mistral {@code config.json}. Shape fields are required;
 * the others default as transformers' {@code MistralConfig} does (a {@code config.json} written with
 * {@code use_diff} omits default values). Unknown fields are ignored.
 *
 * @param vocabSize             rows of {@code embed_tokens}
 * @param hiddenSize            model width
 * @param intermediateSize      MLP width
 * @param numHiddenLayers       decoder layers
 * @param numAttentionHeads     query heads
 * @param numKeyValueHeads      key/value heads (grouped-query attention); defaults to the query heads
 * @param rmsNormEps            RMSNorm epsilon (default 1e-6)
 * @param ropeTheta             RoPE base (default 10000)
 * @param maxPositionEmbeddings informational (default 131072)
 * @param bosTokenId            BOS id (default 1)
 * @param eosTokenId            EOS id (default 2)
 * @param padTokenId            pad id or null (Mistral has none; LLM2Vec pads with EOS)
 * @param attentionDropout      attention-probability dropout used in training (default 0)
 * @param slidingWindow         null or the sliding-window size (sequences longer than it are refused)
 */
public record MistralConfig(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                            int numAttentionHeads, int numKeyValueHeads, double rmsNormEps, double ropeTheta,
                            int maxPositionEmbeddings, int bosTokenId, int eosTokenId, Integer padTokenId,
                            double attentionDropout, Integer slidingWindow) {

    public MistralConfig {
        require(vocabSize > 0, "vocab_size must be > 0, got " + vocabSize);
        require(hiddenSize > 0, "hidden_size must be > 0, got " + hiddenSize);
        require(intermediateSize > 0, "intermediate_size must be > 0, got " + intermediateSize);
        require(numHiddenLayers > 0, "num_hidden_layers must be > 0, got " + numHiddenLayers);
        require(numAttentionHeads > 0 && hiddenSize % numAttentionHeads == 0,
                "hidden_size " + hiddenSize + " must be a multiple of num_attention_heads " + numAttentionHeads);
        require((hiddenSize / numAttentionHeads) % 2 == 0, "head_dim " + hiddenSize / numAttentionHeads
                + " must be even for rotary embeddings");
        require(numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads == 0,
                "num_attention_heads " + numAttentionHeads + " must be a multiple of num_key_value_heads "
                        + numKeyValueHeads);
        require(rmsNormEps > 0, "rms_norm_eps must be > 0");
        require(ropeTheta > 0, "rope_theta must be > 0");
        require(attentionDropout >= 0 && attentionDropout < 1, "attention_dropout must be in [0, 1)");
    }

    /** Width of one attention head. */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Query heads per key/value head. */
    public int groupSize() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** The same config with another attention dropout (llm2vec's SimCSE sets it from its own argument). */
    public MistralConfig withAttentionDropout(double p) {
        return new MistralConfig(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, rmsNormEps, ropeTheta, maxPositionEmbeddings, bosTokenId, eosTokenId, padTokenId,
                p, slidingWindow);
    }

    /** Reads {@code config.json}; errors name the file and the field. */
    public static MistralConfig load(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the model config: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": not a JSON object");
        }
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Builds the config from a parsed {@code config.json}. */
    public static MistralConfig fromJson(JsonNode n) {
        String type = n.path("model_type").asText("mistral");
        require(type.equals("mistral") || type.equals("llama"), "model_type '" + type
                + "' is not supported (expected mistral, or a llama without biases or rope scaling)");
        require(n.path("hidden_act").asText("silu").equals("silu"),
                "hidden_act '" + n.path("hidden_act").asText() + "' is not supported (only silu)");
        require(n.path("rope_scaling").isMissingNode() || n.path("rope_scaling").isNull(),
                "rope_scaling is not supported");
        require(!n.path("attention_bias").asBoolean(false) && !n.path("mlp_bias").asBoolean(false),
                "attention/mlp biases are not supported");
        int heads = requiredInt(n, "num_attention_heads");
        return new MistralConfig(
                requiredInt(n, "vocab_size"),
                requiredInt(n, "hidden_size"),
                requiredInt(n, "intermediate_size"),
                requiredInt(n, "num_hidden_layers"),
                heads,
                optionalInt(n, "num_key_value_heads", heads),
                optionalDouble(n, "rms_norm_eps", 1e-6),
                optionalDouble(n, "rope_theta", 10000.0),
                optionalInt(n, "max_position_embeddings", 4096 * 32),
                optionalInt(n, "bos_token_id", 1),
                optionalInt(n, "eos_token_id", 2),
                nullableInt(n, "pad_token_id"),
                optionalDouble(n, "attention_dropout", 0.0),
                nullableInt(n, "sliding_window"));
    }

    /** The config as a transformers-style {@code config.json} object (what init-model writes). */
    public ObjectNode toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.putArray("architectures").add("MistralForCausalLM");
        o.put("attention_dropout", attentionDropout);
        o.put("bos_token_id", bosTokenId);
        o.put("eos_token_id", eosTokenId);
        o.put("hidden_act", "silu");
        o.put("hidden_size", hiddenSize);
        o.put("initializer_range", 0.02);
        o.put("intermediate_size", intermediateSize);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("model_type", "mistral");
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_key_value_heads", numKeyValueHeads);
        if (padTokenId != null) {
            o.put("pad_token_id", padTokenId);
        }
        o.put("rms_norm_eps", rmsNormEps);
        o.put("rope_theta", ropeTheta);
        if (slidingWindow == null) {
            o.putNull("sliding_window");
        } else {
            o.put("sliding_window", slidingWindow);
        }
        o.put("tie_word_embeddings", false);
        o.put("torch_dtype", "float32");
        o.put("vocab_size", vocabSize);
        return o;
    }

    private static int requiredInt(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("required field \"" + field + "\" is missing");
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("field \"" + field + "\" must be an integer, got " + v);
        }
        return v.intValue();
    }

    private static int optionalInt(JsonNode n, String field, int dflt) {
        Integer v = nullableInt(n, field);
        return v == null ? dflt : v;
    }

    private static Integer nullableInt(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v != null && v.isArray()) { // eos_token_id may be a list in some configs: take the first
            v = v.size() == 0 ? null : v.get(0);
        }
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            throw new IllegalArgumentException("field \"" + field + "\" must be an integer or null, got " + v);
        }
        return v.intValue();
    }

    private static double optionalDouble(JsonNode n, String field, double dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException("field \"" + field + "\" must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
