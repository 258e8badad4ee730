package org.bg2vec.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bg2vec.train.data.IndependentCropping;
import org.bg2vec.io.ByteSize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a JSON object into a validated {@link TrainConfig}: every key is read with its type and
 * allowed range; keys that llm2vec/HF accept but bg2vec does not use are noted at INFO, unknown
 * keys produce one WARN listing them, and all invalid values are reported in one
 * {@link IllegalArgumentException} naming each key and its allowed range.
 */
final class TrainConfigReader {

    private static final Logger LOG = LoggerFactory.getLogger(TrainConfigReader.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** llm2vec / HF keys accepted for compatibility and not used by bg2vec. */
    static final Set<String> IGNORED = Set.of(
            "attn_implementation", "torch_dtype", "dataset_name", "dataset_config_name",
            "dataset_file_path", "do_train", "do_eval", "remove_unused_columns", "disable_tqdm",
            "save_only_model", "experiment_id", "report_to", "run_name", "dataloader_drop_last",
            "ddp_find_unused_parameters", "fp16", "bf16", "per_device_eval_batch_size", "logging_dir",
            "max_train_samples", "overwrite_output_dir", "optim", "evaluation_strategy", "eval_strategy",
            "save_strategy", "logging_strategy", "local_rank", "lora_modules");

    private final ObjectNode node;
    private final List<String> errors = new ArrayList<>();
    private final Set<String> used = new TreeSet<>();

    private TrainConfigReader(ObjectNode node) {
        this.node = node;
    }

    static TrainConfig parse(String json) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the training config is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ")", e);
        }
        if (!(tree instanceof ObjectNode obj)) {
            throw new IllegalArgumentException("the training config must be a JSON object {...}");
        }
        return new TrainConfigReader(obj).read();
    }

    static TrainConfig parse(ObjectNode node) {
        try {
            return parse(JSON.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise the config: " + e.getMessage(), e);
        }
    }

    private TrainConfig read() {
        TrainConfig.Builder b = new TrainConfig.Builder();
        readModelAndLoss(b);
        boolean autoMicro = readBatches(b);
        readSchedule(b);
        readPaths(b);
        readPrecisionAndOptimizer(b);
        b.resume = resume();
        b.independentCropping = independentCropping();

        String split = BatchSplit.problem(b.globalBatchSize, b.workers, autoMicro ? 0 : b.microBatchSize);
        if (split != null) {
            errors.add(split);
        }
        reportKeys();
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid training config: " + String.join("; ", errors));
        }
        b.raw = node.deepCopy();
        return b.build();
    }

    /** The base model, the LoRA, SimCSE dropout, the loss and the learning rate. */
    private void readModelAndLoss(TrainConfig.Builder b) {
        b.modelNameOrPath = string("model_name_or_path", null);
        b.peftModelNameOrPath = string("peft_model_name_or_path", null);
        b.bidirectional = bool("bidirectional", false);
        b.poolingMode = choice("pooling_mode", "mean", "mean", "weighted_mean", "eos_token");
        b.maxSeqLength = integer("max_seq_length", 512, 2, 1 << 20);
        b.simcseDropout = real("simcse_dropout", 0.1, 0, 1, false);
        b.loraR = integer("lora_r", 8, 1, 1 << 16);
        b.loraAlpha = integer("lora_alpha", 2 * b.loraR, 1, 1 << 20);
        b.loraDropout = real("lora_dropout", 0.05, 0, 1, false);
        b.lossScale = real("loss_scale", 50.0, 1e-6, 1e6, true);
        choice("loss_class", "HardNegativeNLLLoss", "HardNegativeNLLLoss");
        b.learningRate = real("learning_rate", 5e-5, 0, 10, false);
    }

    /** Global batch, workers, micro-batch and memory; returns whether {@code micro_batch_size} is "auto". */
    private boolean readBatches(TrainConfig.Builder b) {
        int perDevice = integer("per_device_train_batch_size", 8, 1, 1 << 20);
        int accumulation = integer("gradient_accumulation_steps", 1, 1, 1 << 20);
        int defaultGlobal = node.has("per_device_train_batch_size") || node.has("gradient_accumulation_steps")
                ? perDevice * accumulation : 128;
        b.globalBatchSize = integer("global_batch_size", defaultGlobal, 1, 1 << 24);
        b.workers = integer("workers", 1, 1, 4096);
        JsonNode microNode = node.path("micro_batch_size");
        boolean autoMicro = microNode.isTextual() && "auto".equals(microNode.asText());
        if (microNode.isTextual() && !autoMicro) {
            errors.add("micro_batch_size must be a positive integer or \"auto\" (the largest that fits the GPU),"
                    + " got " + microNode);
        }
        b.microBatchSize = autoMicro ? 0 : microNode.isTextual() ? 1
                : integer("micro_batch_size", Math.min(8, b.globalBatchSize), 1, 1 << 20);
        used.add("micro_batch_size");
        b.gradientCheckpointing = bool("gradient_checkpointing", false);
        b.gpuMemoryBytes = bytes("gpu_memory");
        return autoMicro;
    }

    /** Epochs and steps, warm-up, seed, and how often to save, log and validate. */
    private void readSchedule(TrainConfig.Builder b) {
        b.numTrainEpochs = real("num_train_epochs", 3.0, 1e-9, 1e9, true);
        b.maxSteps = integer("max_steps", -1, -1, Integer.MAX_VALUE);
        if (b.maxSteps == 0) {
            errors.add("max_steps = 0: use -1 (plan the decay over num_train_epochs) or a positive step count");
        }
        b.stopAfterNSteps = integer("stop_after_n_steps", 10000, 1, Integer.MAX_VALUE);
        b.warmupSteps = integer("warmup_steps", 0, 0, Integer.MAX_VALUE);
        b.warmupRatio = real("warmup_ratio", 0.0, 0, 1, true);
        choice("lr_scheduler_type", "linear", "linear");
        b.seed = longValue("seed", 42);
        b.saveSteps = integer("save_steps", 500, 1, Integer.MAX_VALUE);
        b.loggingSteps = integer("logging_steps", 500, 1, Integer.MAX_VALUE);
        b.evalSteps = integer("eval_steps", 0, 0, Integer.MAX_VALUE);
        b.evalBatches = integer("eval_batches", 8, 1, Integer.MAX_VALUE);
    }

    /** Output, checkpoint and data directories. */
    private void readPaths(TrainConfig.Builder b) {
        String outputDir = string("output_dir", null);
        if (outputDir == null || outputDir.isBlank()) {
            errors.add("output_dir is required: the directory (local path or hdfs:/s3a: URI) for the adapter, metrics and plot");
        }
        b.outputDir = outputDir;
        b.checkpointDir = string("checkpoint_dir", outputDir == null ? null : outputDir + "/checkpoints");
        b.keepCheckpoints = integer("keep_checkpoints",
                node.has("save_total_limit") ? integer("save_total_limit", 3, 1, 1 << 20) : 3, 1, 1 << 20);
        b.trainData = string("train_data", null);
        b.validationData = string("validation_data", b.trainData);
    }

    /** Precision and loss scaling, AdamW, gradient clipping, retries and the shuffle buffer. */
    private void readPrecisionAndOptimizer(TrainConfig.Builder b) {
        String precisionName = choice("precision", "fp32", "fp32", "fp16");
        b.precision = TrainConfig.Precision.valueOf(precisionName.toUpperCase(Locale.ROOT));
        b.maxGradNorm = real("max_grad_norm", 1.0, 0, 1e9, false);
        b.weightDecay = real("weight_decay", 0.0, 0, 1, true);
        b.adamBeta1 = real("adam_beta1", 0.9, 0, 1, false);
        b.adamBeta2 = real("adam_beta2", 0.999, 0, 1, false);
        b.adamEpsilon = real("adam_epsilon", 1e-8, 0, 1, false);
        b.fp16InitScale = real("fp16_init_scale", 65536.0, 1, 1e30, true);
        b.fp16GrowthInterval = integer("fp16_growth_interval", 2000, 1, Integer.MAX_VALUE);
        b.maxAttempts = integer("max_attempts", 3, 1, 1000);
        b.shuffleBufferSize = integer("shuffle_buffer_size", 10000, 1, 1 << 26);
    }

    /** {@code resume} (auto, never or a checkpoint path) and {@code resume_force}. */
    private Resume resume() {
        String value = string("resume", Resume.AUTO);
        boolean force = bool("resume_force", false);
        if (value.isBlank()) {
            errors.add("resume must be \"" + Resume.AUTO + "\", \"" + Resume.NEVER
                    + "\" or a checkpoint directory (.../step-N), got \"" + value + "\"");
            return Resume.latest();
        }
        return Resume.parse(value, force);
    }

    /**
     * {@code independent_cropping}; the span ratios {@code crop_min_ratio}, {@code crop_max_ratio} of both views;
     * {@code query_crop_min_ratio}, {@code query_crop_max_ratio} for the query view (default: the former).
     */
    private IndependentCropping independentCropping() {
        boolean enabled = bool("independent_cropping", false);
        IndependentCropping.Ratios both = ratios("crop", IndependentCropping.CONTRIEVER);
        IndependentCropping.Ratios query = ratios("query_crop", both);
        return new IndependentCropping(enabled, query, both);
    }

    /** {@code PREFIX_min_ratio} and {@code PREFIX_max_ratio}: 0 &lt; min &le; max &le; 1. */
    private IndependentCropping.Ratios ratios(String prefix, IndependentCropping.Ratios dflt) {
        double min = real(prefix + "_min_ratio", dflt.min(), 0, 1, true);
        double max = real(prefix + "_max_ratio", dflt.max(), 0, 1, true);
        if (min == 0) {
            errors.add(prefix + "_min_ratio must be in (0, 1], got 0");
        } else if (min > max) {
            errors.add(prefix + "_min_ratio " + min + " is larger than " + prefix + "_max_ratio " + max);
        }
        return new IndependentCropping.Ratios(min, max);
    }

    private void reportKeys() {
        Set<String> ignored = new TreeSet<>();
        Set<String> unknown = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (used.contains(key)) {
                continue;
            }
            (IGNORED.contains(key) ? ignored : unknown).add(key);
        }
        if (!ignored.isEmpty()) {
            LOG.info("config keys accepted for llm2vec compatibility but not used by bg2vec: {}"
                    + " (attention is eager, precision is set by 'precision', data by 'train_data')", ignored);
        }
        if (!unknown.isEmpty()) {
            LOG.warn("unknown config keys ignored (check their spelling): {}", unknown);
        }
    }

    private JsonNode value(String key) {
        used.add(key);
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    private String string(String key, String dflt) {
        JsonNode v = value(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isTextual()) {
            errors.add(key + " must be a string, got " + v);
            return dflt;
        }
        return v.asText();
    }

    private boolean bool(String key, boolean dflt) {
        JsonNode v = value(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            errors.add(key + " must be true or false, got " + v);
            return dflt;
        }
        return v.asBoolean();
    }

    private String choice(String key, String dflt, String... allowed) {
        String s = string(key, dflt);
        for (String a : allowed) {
            if (a.equals(s)) {
                return s;
            }
        }
        errors.add(key + " must be one of " + String.join(", ", allowed) + ", got \"" + s + "\"");
        return dflt;
    }

    private int integer(String key, int dflt, int min, int max) {
        JsonNode v = value(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            errors.add(key + " must be an integer in [" + min + ", " + max + "], got " + v);
            return dflt;
        }
        long x = v.asLong();
        if (x < min || x > max) {
            errors.add(key + " must be in [" + min + ", " + max + "], got " + x);
            return dflt;
        }
        return (int) x;
    }

    /** A byte size such as "40GiB" or a plain number of bytes, or null when absent. */
    private Long bytes(String key) {
        JsonNode v = value(key);
        if (v == null) {
            return null;
        }
        try {
            long b = v.isIntegralNumber() ? v.asLong() : ByteSize.parse(v.asText());
            if (b > 0) {
                return b;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        errors.add(key + " must be a byte size such as \"40GiB\" or \"80GB\", got " + v);
        return null;
    }

    private long longValue(String key, long dflt) {
        JsonNode v = value(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber()) {
            errors.add(key + " must be an integer, got " + v);
            return dflt;
        }
        return v.asLong();
    }

    /** A number in [min, max] ({@code maxInclusive}) or [min, max). */
    private double real(String key, double dflt, double min, double max, boolean maxInclusive) {
        JsonNode v = value(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber()) {
            errors.add(key + " must be a number, got " + v);
            return dflt;
        }
        double x = v.asDouble();
        if (!(x >= min && (maxInclusive ? x <= max : x < max))) {
            errors.add(key + " must be in [" + min + ", " + max + (maxInclusive ? "]" : ")") + ", got " + x);
            return dflt;
        }
        return x;
    }
}
