package org.bg2vec.mntp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bg2vec.train.TrainConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The MNTP configuration: the shared training keys of {@link TrainConfig} (batch, schedule, optimizer, LoRA,
 * data, checkpoints; llm2vec's {@code train_configs/mntp/*.json} keys are accepted as they are) plus
 * {@link MntpSettings}. MNTP's own keys are validated here and taken out before the rest goes to
 * {@link TrainConfig#parse}; the model is always bidirectional ({@code bidirectional: false} is refused) and
 * trains without attention dropout unless {@code simcse_dropout} is set.
 */
public record MntpConfig(TrainConfig train, MntpSettings mntp) {

    /** MNTP's keys: not part of {@link TrainConfig}. */
    static final List<String> KEYS = List.of("data_collator_type", "mlm_probability", "mask_token_type", "lm_head",
            "save_lm_head", "lm_head_from_embeddings");

    /** Whether {@code config} sets any of MNTP's own keys (an MNTP config rather than a SimCSE one). */
    public static boolean declares(ObjectNode config) {
        return KEYS.stream().anyMatch(config::has);
    }

    /** Reads, parses and validates a local JSON config file. */
    public static MntpConfig load(Path file) throws IOException {
        JsonNode tree = new ObjectMapper().readTree(Files.readString(file));
        if (!(tree instanceof ObjectNode node)) {
            throw new IllegalArgumentException(file + ": the MNTP config must be a JSON object {...}");
        }
        try {
            return of(node);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Validates a parsed config (not modified). */
    public static MntpConfig of(ObjectNode config) {
        ObjectNode node = config.deepCopy();
        List<String> errors = new ArrayList<>();
        CollatorType collator = CollatorType.ALL_MASK;
        MaskTokenType mask = MaskTokenType.BLANK;
        try {
            collator = CollatorType.parse(text(node, "data_collator_type", "default"));
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
        try {
            mask = MaskTokenType.parse(text(node, "mask_token_type", "blank"));
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
        double p = node.path("mlm_probability").asDouble(0.15);
        if (node.has("mlm_probability") && !node.get("mlm_probability").isNumber() || !(p > 0 && p <= 1)) {
            errors.add("mlm_probability must be a number in (0, 1], got " + node.get("mlm_probability"));
        }
        String head = text(node, "lm_head", "train");
        if (!head.equals("train") && !head.equals("frozen")) {
            errors.add("lm_head must be \"train\" (llm2vec: trained with the LoRA) or \"frozen\", got \"" + head
                    + "\"");
        }
        boolean save = bool(node, "save_lm_head", errors);
        boolean fromEmbeddings = bool(node, "lm_head_from_embeddings", errors);
        if (save && head.equals("frozen")) {
            errors.add("save_lm_head is set but lm_head is \"frozen\": a frozen head is the checkpoint's own");
        }
        if (node.has("bidirectional") && !node.get("bidirectional").asBoolean(true)) {
            errors.add("bidirectional must be true for MNTP (masked next token prediction trains the bidirectional"
                    + " model)");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid MNTP config: " + String.join("; ", errors));
        }
        KEYS.forEach(node::remove);
        node.put("bidirectional", true);
        if (!node.has("simcse_dropout")) {
            node.put("simcse_dropout", 0.0);
        }
        return new MntpConfig(TrainConfig.parse(node.toString()),
                new MntpSettings(collator, p, mask, head.equals("train"), save, fromEmbeddings));
    }

    private static String text(ObjectNode node, String key, String dflt) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    private static boolean bool(ObjectNode node, String key, List<String> errors) {
        JsonNode v = node.get(key);
        if (v != null && !v.isBoolean()) {
            errors.add(key + " must be true or false, got " + v);
            return false;
        }
        return v != null && v.asBoolean();
    }
}
