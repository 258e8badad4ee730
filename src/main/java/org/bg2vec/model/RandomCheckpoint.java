package org.bg2vec.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.bg2vec.format.Checkpoint;
import org.bg2vec.format.SafetensorsWriter;
import org.bg2vec.tokenize.TokenizerFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a randomly initialised Mistral checkpoint in Hugging Face layout: {@code config.json},
 * {@code model.safetensors} (float32, hub key names with the {@code model.} prefix) and the given
 * {@code tokenizer.json} copied beside them. Linear and embedding weights are N(0, 0.02²) as transformers
 * initialises them; RMSNorm weights are 1. Each tensor is drawn from a generator keyed by (seed, name),
 * so the output depends only on the seed and the shape.
 */
public final class RandomCheckpoint {

    private RandomCheckpoint() {
    }

    /** The id of {@code token} in the tokenizer (added tokens first, then the model vocab), or -1. */
    public static int tokenId(JsonNode tokenizer, String token) {
        for (JsonNode t : tokenizer.path("added_tokens")) {
            if (token.equals(t.path("content").asText(null))) {
                return t.path("id").asInt();
            }
        }
        JsonNode vocab = tokenizer.path("model").path("vocab");
        if (vocab.isObject() && vocab.has(token)) {
            return vocab.get(token).asInt();
        }
        if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) {
                if (token.equals(vocab.get(i).path(0).asText(null))) {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * Writes the checkpoint of {@code preset} into {@code outputDir}, with the vocabulary and the BOS/EOS
     * ids of {@code tokenizerJson} (tokens {@code bosToken}, {@code eosToken}). Returns its config.
     */
    public static MistralConfig write(ModelPreset preset, Path tokenizerJson, String bosToken, String eosToken,
                                      long seed, Path outputDir) throws IOException {
        JsonNode tok;
        try {
            tok = new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new IOException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        int vocab;
        try {
            vocab = TokenizerFiles.vocabSize(tok);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(tokenizerJson + ": " + e.getMessage(), e);
        }
        int bos = tokenId(tok, bosToken);
        int eos = tokenId(tok, eosToken);
        if (bos < 0 || eos < 0) {
            throw new IllegalArgumentException(tokenizerJson + ": no token '" + (bos < 0 ? bosToken : eosToken)
                    + "' (set the BOS/EOS token strings of this tokenizer)");
        }
        MistralConfig config = preset.config(vocab, bos, eos);
        Files.createDirectories(outputDir);
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, long[]> e : MistralWeights.expectedShapes(config).entrySet()) {
            String key = "model." + e.getKey();
            long[] shape = e.getValue();
            float[] values = new float[Math.toIntExact(shape.length == 1 ? shape[0] : shape[0] * shape[1])];
            if (shape.length == 1) {
                java.util.Arrays.fill(values, 1f);
            } else {
                SplittableRandom rnd = new SplittableRandom(seed ^ DeterministicDropout.site(key));
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (0.02 * rnd.nextGaussian());
                }
            }
            entries.add(SafetensorsWriter.Entry.ofFloats(key, shape, values));
        }
        SafetensorsWriter.write(outputDir.resolve(Checkpoint.SINGLE_FILE), entries, Map.of("format", "pt"));
        Files.writeString(outputDir.resolve("config.json"), new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(config.toJson()) + "\n");
        Path target = outputDir.resolve("tokenizer.json");
        if (!Files.exists(target) || !Files.isSameFile(tokenizerJson, target)) {
            Files.copy(tokenizerJson, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return config;
    }
}
