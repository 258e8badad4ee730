package org.bg2vec.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/** Facts about a HuggingFace {@code tokenizer.json} that DJL's tokenizer does not expose. */
public final class TokenizerFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerFiles() {
    }

    /** Lower-case hex SHA-256 of the file's bytes (identifies the tokenizer in manifests). */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha256Digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Lower-case hex SHA-256 of a tokenizer.json already in memory. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parsed summary of a tokenizer.json: vocabulary size and the ids of its special tokens. */
    public record Summary(int vocabSize, Map<String, Integer> addedTokens) {
        public Optional<Integer> idOf(String content) {
            return Optional.ofNullable(addedTokens.get(content));
        }
    }

    /** Reads the vocabulary size (max id + 1 over model.vocab and added_tokens) and the added tokens. */
    public static Summary summary(Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new NoSuchFileException(tokenizerJson.toString(), null,
                    "tokenizer.json not found: pass the model's tokenizer.json (HuggingFace tokenizers format)");
        }
        JsonNode root = JSON.readTree(tokenizerJson.toFile());
        int vocabSize;
        try {
            vocabSize = vocabSize(root);
        } catch (IllegalArgumentException e) {
            throw new IOException(tokenizerJson + ": " + e.getMessage(), e);
        }
        Map<String, Integer> added = new java.util.LinkedHashMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            added.put(t.path("content").asText(), t.path("id").asInt());
        }
        return new Summary(vocabSize, Map.copyOf(added));
    }

    /** 1 + the largest id in a parsed tokenizer.json's model vocab (BPE/WordPiece map or Unigram list) or added tokens. */
    public static int vocabSize(JsonNode tokenizer) {
        int max = -1;
        JsonNode vocab = tokenizer.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<JsonNode> it = vocab.elements(); it.hasNext(); ) {
                max = Math.max(max, it.next().asInt());
            }
        } else if (vocab.isArray()) { // Unigram: [[piece, score], ...], id = index
            max = vocab.size() - 1;
        }
        for (JsonNode t : tokenizer.path("added_tokens")) {
            max = Math.max(max, t.path("id").asInt(-1));
        }
        if (max < 0) {
            throw new IllegalArgumentException("no vocabulary found (model.vocab and added_tokens are empty)");
        }
        return max + 1;
    }

    /** The pad id LLM2Vec uses: tokenizer_config.json's pad_token, else its eos_token, else "</s>". */
    public static long llm2vecPadId(Path tokenizerJson, Summary summary) throws IOException {
        Path cfg = tokenizerJson.resolveSibling("tokenizer_config.json");
        if (Files.isRegularFile(cfg)) {
            JsonNode c = JSON.readTree(cfg.toFile());
            for (String key : new String[]{"pad_token", "eos_token"}) {
                String content = tokenContent(c.get(key));
                if (content != null && summary.idOf(content).isPresent()) {
                    return summary.idOf(content).get();
                }
            }
        }
        return summary.idOf("</s>").map(Integer::longValue).orElseThrow(() -> new IOException(
                "cannot tell the pad id of " + tokenizerJson + ": no tokenizer_config.json pad/eos token and no </s>;"
                        + " pass the model's eos_token_id explicitly"));
    }

    private static String tokenContent(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isObject() ? n.path("content").asText(null) : n.asText();
    }
}
