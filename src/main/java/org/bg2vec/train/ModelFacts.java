package org.bg2vec.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.tokenize.TokenizerFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the trainer must know about the model besides {@link org.bg2vec.model.TrainableEncoder}:
 * the SHA-256 of its {@code tokenizer.json} (prepared data must have been tokenized with it) and
 * the pad id (LLM2Vec pads with the eos id).
 *
 * @param tokenizerSha256 lower-case hex SHA-256 of the model's tokenizer.json, or null to skip the check
 * @param padTokenId      id used for left padding
 */
public record ModelFacts(String tokenizerSha256, long padTokenId) {

    /** Reads {@code dir/tokenizer.json} (hashed) and {@code dir/config.json} ({@code eos_token_id}). */
    public static ModelFacts fromModelDir(Path dir) throws IOException {
        Path tokenizer = dir.resolve("tokenizer.json");
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(tokenizer)) {
            throw new IOException("the model directory " + dir + " has no tokenizer.json");
        }
        JsonNode c = new ObjectMapper().readTree(config.toFile());
        JsonNode eos = c.path("eos_token_id");
        if (eos.isArray() && !eos.isEmpty()) {
            eos = eos.get(0);
        }
        if (!eos.isIntegralNumber()) {
            throw new IOException(config + " has no integer eos_token_id (needed as the pad id)");
        }
        return new ModelFacts(TokenizerFiles.sha256(tokenizer), eos.asLong());
    }

}
