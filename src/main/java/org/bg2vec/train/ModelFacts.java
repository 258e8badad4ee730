package org.bg2vec.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
        return new ModelFacts(sha256(tokenizer), eos.asLong());
    }

    /** Lower-case hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
