package org.bg2vec.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A PEFT LoRA {@code adapter_config.json}: rank, alpha, dropout on the LoRA input and the projection
 * names it wraps. Only plain LoRA is supported (no rsLoRA, DoRA, bias, rank/alpha patterns or layer
 * subsets); anything else is refused with the field named, rather than computed wrongly.
 *
 * @param r                   rank
 * @param loraAlpha           alpha; the update is scaled by {@code loraAlpha / r}
 * @param loraDropout         dropout probability on the LoRA input (training only)
 * @param targetModules       projection names, sorted (subset of q/k/v/o_proj, gate/up/down_proj)
 * @param baseModelNameOrPath what PEFT records as the base model
 */
public record LoraConfig(int r, double loraAlpha, double loraDropout, List<String> targetModules,
                         String baseModelNameOrPath) {

    /** The projections LoRA may wrap in a Mistral decoder layer. */
    public static final Set<String> SUPPORTED_MODULES =
            Set.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
    public static final String FILE = "adapter_config.json";

    public LoraConfig {
        if (r <= 0) {
            throw new IllegalArgumentException("LoRA r must be > 0, got " + r);
        }
        if (!(loraAlpha > 0)) {
            throw new IllegalArgumentException("lora_alpha must be > 0, got " + loraAlpha);
        }
        if (loraDropout < 0 || loraDropout >= 1) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + loraDropout);
        }
        if (targetModules.isEmpty()) {
            throw new IllegalArgumentException("target_modules is empty");
        }
        for (String m : targetModules) {
            if (!SUPPORTED_MODULES.contains(m)) {
                throw new IllegalArgumentException("target module '" + m + "' is not a Mistral projection "
                        + new TreeSet<>(SUPPORTED_MODULES));
            }
        }
        targetModules = List.copyOf(new TreeSet<>(targetModules));
        baseModelNameOrPath = baseModelNameOrPath == null ? "" : baseModelNameOrPath;
    }

    /** {@code lora_alpha / r}. */
    public double scaling() {
        return loraAlpha / r;
    }

    /** Whether the projection {@code module} (e.g. {@code self_attn.q_proj} or {@code q_proj}) is wrapped. */
    public boolean targets(String module) {
        return targetModules.contains(module.substring(module.lastIndexOf('.') + 1));
    }

    /** Reads {@code adapter_config.json} in {@code dir}. */
    public static LoraConfig load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the adapter config: " + e.getMessage(), e);
        }
        try {
            return fromJson(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a parsed {@code adapter_config.json}. */
    public static LoraConfig fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String type = n.path("peft_type").asText("LORA");
        if (!type.equals("LORA")) {
            throw new IllegalArgumentException("peft_type " + type + " is not supported (only LORA)");
        }
        refuse(n.path("use_rslora").asBoolean(false), "use_rslora=true");
        refuse(n.path("use_dora").asBoolean(false), "use_dora=true");
        refuse(n.path("fan_in_fan_out").asBoolean(false), "fan_in_fan_out=true");
        refuse(!n.path("bias").asText("none").equals("none"), "bias=" + n.path("bias").asText());
        refuse(n.path("rank_pattern").size() > 0, "a non-empty rank_pattern");
        refuse(n.path("alpha_pattern").size() > 0, "a non-empty alpha_pattern");
        refuse(!n.path("layers_to_transform").isMissingNode() && !n.path("layers_to_transform").isNull(),
                "layers_to_transform");
        refuse(!n.path("modules_to_save").isMissingNode() && !n.path("modules_to_save").isNull(), "modules_to_save");
        JsonNode r = n.get("r");
        JsonNode alpha = n.get("lora_alpha");
        JsonNode targets = n.get("target_modules");
        if (r == null || !r.isIntegralNumber()) {
            throw new IllegalArgumentException("required integer field \"r\" is missing");
        }
        if (alpha == null || !alpha.isNumber()) {
            throw new IllegalArgumentException("required number field \"lora_alpha\" is missing");
        }
        if (targets == null || !(targets.isArray() || targets.isTextual())) {
            throw new IllegalArgumentException("required field \"target_modules\" (list of module names) is missing");
        }
        List<String> modules = new java.util.ArrayList<>();
        if (targets.isTextual()) {
            throw new IllegalArgumentException("target_modules as a regular expression is not supported; list the modules");
        }
        targets.forEach(t -> modules.add(t.asText()));
        return new LoraConfig(r.intValue(), alpha.doubleValue(), n.path("lora_dropout").asDouble(0.0), modules,
                n.path("base_model_name_or_path").asText(""));
    }

    private static void refuse(boolean present, String what) {
        if (present) {
            throw new IllegalArgumentException(what + " is not supported");
        }
    }

    /** The config as PEFT 0.11 writes it for LoRA on a base model (field set of {@code LoraConfig}). */
    public ObjectNode toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.putObject("alpha_pattern");
        o.putNull("auto_mapping");
        o.put("base_model_name_or_path", baseModelNameOrPath);
        o.put("bias", "none");
        o.put("fan_in_fan_out", false);
        o.put("inference_mode", true);
        o.put("init_lora_weights", true);
        o.putNull("layer_replication");
        o.putNull("layers_pattern");
        o.putNull("layers_to_transform");
        o.putObject("loftq_config");
        if (loraAlpha == Math.rint(loraAlpha)) {
            o.put("lora_alpha", (long) loraAlpha);
        } else {
            o.put("lora_alpha", loraAlpha);
        }
        o.put("lora_dropout", loraDropout);
        o.putNull("megatron_config");
        o.put("megatron_core", "megatron.core");
        o.putNull("modules_to_save");
        o.put("peft_type", "LORA");
        o.put("r", r);
        o.putObject("rank_pattern");
        o.putNull("revision");
        ArrayNode t = o.putArray("target_modules");
        targetModules.forEach(t::add);
        o.putNull("task_type");
        o.put("use_dora", false);
        o.put("use_rslora", false);
        return o;
    }

    /** Writes {@code adapter_config.json} into {@code dir}. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(FILE), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(toJson()) + "\n");
    }
}
