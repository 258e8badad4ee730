package org.bg2vec.train;

import ai.djl.ndarray.types.DataType;
import org.bg2vec.collective.Collective;
import org.apache.hadoop.conf.Configuration;
import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.model.DeterministicDropout;
import org.bg2vec.model.EncoderOptions;
import org.bg2vec.model.LoraConfig;
import org.bg2vec.model.MistralEncoder;
import org.bg2vec.model.Pooling;
import org.bg2vec.modelstore.ModelStore;
import org.bg2vec.modelstore.ModelUris;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One training worker with the real model: builds the LLM2Vec encoder the config describes and runs
 * {@link SimCseTrainer} on it, on the device its task was given ({@link WorkerEnvironment#device()}: the
 * Spark-assigned GPU or the CPU, never a silent fallback). The base model ({@code model_name_or_path}, a
 * Hugging Face directory on any Hadoop file system, fetched into this host's model cache by
 * {@link WorkerEnvironment#models()}) loads as float16 when {@code precision} is {@code fp16} (a GPU is required),
 * else float32; the worker logs the device and element type in one line
 * ({@code bg2vec device: rank 0 trains on gpu(3) [float16] ...}); the MNTP adapter ({@code peft_model_name_or_path}) is merged
 * into it; a new trainable LoRA ({@code lora_r}, {@code lora_alpha}, {@code lora_dropout} on q, k, v,
 * o, gate, up, down) is initialised from {@code seed}, so every worker starts from the same weights.
 * Attention is bidirectional when {@code bidirectional} is true, with {@code simcse_dropout} on the
 * attention probabilities in training; embeddings pool by {@code pooling_mode}; {@code gradient_checkpointing}
 * recomputes one layer at a time in backward. The loss is llm2vec's
 * {@code HardNegativeNLLLoss} with {@code loss_scale}. The model is always closed.
 */
public final class TrainingWorker {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingWorker.class);
    /** The projections the SimCSE recipe wraps with LoRA. */
    public static final List<String> TARGET_MODULES =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    private TrainingWorker() {
    }

    /** Builds the model of {@code config}, trains it as rank {@code collective.rank()} and closes it. */
    public static SimCseTrainer.Result run(TrainConfig config, Collective collective, SimCseTrainer.StepListener listener,
                                           WorkerEnvironment environment) throws IOException {
        ModelStore models = environment.models();
        Path modelDir = models.localDirectory(requireModel(config)).dir();
        Path mntp = hasPeft(config) ? models.localDirectory(config.peftModelNameOrPath()).dir() : null;
        ModelFacts facts = ModelFacts.fromModelDir(modelDir);
        EncoderOptions options = options(config, environment.device());
        LOG.info(environment.device().logLine("rank " + collective.rank(), "trains", options.computeType()));
        if (!environment.device().isGpu() && config.loraDropout() + config.simcseDropout() > 0) {
            LOG.info("rank " + collective.rank() + ": " + DeterministicDropout.hostMaskKernel());
        }
        try (Llm2VecAdapterEncoder encoder = load(config, options, modelDir, mntp)) {
            return SimCseTrainer.run(config, encoder, loss(config), collective, facts, environment.hadoop(), listener);
        }
    }

    /** The loss the trainer optimises: llm2vec's HardNegativeNLLLoss with {@code loss_scale}. */
    public static HardNegativeNLLLoss loss(TrainConfig config) {
        return new HardNegativeNLLLoss((float) config.lossScale());
    }

    /** As {@link #options(TrainConfig, ComputeDevice)} on the CPU (the in-process tests and benchmarks). */
    static EncoderOptions options(TrainConfig config, int rank) {
        return options(config, ComputeDevice.cpu());
    }

    /** Where and in what element type the model of {@code config} runs on {@code device}. */
    public static EncoderOptions options(TrainConfig config, ComputeDevice device) {
        return new EncoderOptions(device.djl(), computeType(config.precision(), device.isGpu()),
                Pooling.parse(config.poolingMode()), !config.bidirectional(), config.simcseDropout(),
                config.gradientCheckpointing());
    }

    /**
     * The element type of the frozen base: float16 for {@code precision} fp16, which needs a GPU, else float32.
     *
     * @throws IllegalArgumentException for fp16 on the CPU (a configuration error, reported before training)
     */
    public static DataType computeType(TrainConfig.Precision precision, boolean gpu) {
        if (precision == TrainConfig.Precision.FP16 && !gpu) {
            throw new IllegalArgumentException("precision fp16 needs a GPU, but this run trains on the CPU"
                    + " (--device cpu, or --device auto without spark.task.resource.gpu.amount): set \"precision\":"
                    + " \"fp32\" to train on CPUs, or train on GPU executors (conf/spark-gpu.conf, --device gpu)");
        }
        return precision == TrainConfig.Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT32;
    }

    /**
     * The config with {@code model_name_or_path} and {@code peft_model_name_or_path} (those that are set) as
     * qualified URIs, checked to be model directories: resolved on the driver before any task starts (a relative
     * path means the driver's).
     *
     * @throws IllegalArgumentException naming the key and what is missing
     */
    public static TrainConfig withQualifiedModelPaths(TrainConfig config, Configuration hadoop) {
        TrainConfig c = config;
        String model = config.modelNameOrPath();
        if (model != null && !model.isBlank()) {
            c = c.with("model_name_or_path", ModelUris.requireDirectory(model, "model_name_or_path", "config.json",
                    hadoop));
        }
        if (hasPeft(config)) {
            c = c.with("peft_model_name_or_path", ModelUris.requireDirectory(config.peftModelNameOrPath(),
                    "peft_model_name_or_path", "adapter_config.json", hadoop));
        }
        return c;
    }

    /** As {@link #load(TrainConfig, EncoderOptions, Path, Path)} with the config's local paths (tests). */
    static Llm2VecAdapterEncoder load(TrainConfig config, EncoderOptions options) throws IOException {
        ModelStore local = ModelStore.withDefaults(new Configuration());
        return load(config, options, local.localDirectory(requireModel(config)).dir(),
                hasPeft(config) ? local.localDirectory(config.peftModelNameOrPath()).dir() : null);
    }

    /**
     * The encoder of {@code config} with its MNTP adapter merged and a fresh trainable LoRA attached.
     *
     * @param modelDir the local copy of {@code model_name_or_path}
     * @param mntpDir  the local copy of {@code peft_model_name_or_path}, or null
     */
    static Llm2VecAdapterEncoder load(TrainConfig config, EncoderOptions options, Path modelDir, Path mntpDir)
            throws IOException {
        MistralEncoder encoder = loadWithNewAdapter(config, options, modelDir, mntpDir);
        return new Llm2VecAdapterEncoder(encoder, ModelUris.display(config.modelNameOrPath()), config.poolingMode(),
                config.maxSeqLength());
    }

    /**
     * The Mistral model of {@code config} with the adapter of {@code mntpDir} (if any) merged and a fresh trainable
     * LoRA ({@code lora_r}, {@code lora_alpha}, {@code lora_dropout} on every projection, from {@code seed}).
     */
    public static MistralEncoder loadWithNewAdapter(TrainConfig config, EncoderOptions options, Path modelDir,
                                                    Path mntpDir) throws IOException {
        MistralEncoder encoder = MistralEncoder.load(modelDir, options);
        try {
            if (mntpDir != null) {
                encoder.mergeAdapter(mntpDir);
            }
            LoraConfig lora = new LoraConfig(config.loraR(), config.loraAlpha(), config.loraDropout(), TARGET_MODULES,
                    ModelUris.display(config.modelNameOrPath()));
            encoder.newTrainableAdapter(lora, config.seed());
            return encoder;
        } catch (IOException | RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    /** Whether {@code peft_model_name_or_path} is set. */
    public static boolean hasPeft(TrainConfig config) {
        return config.peftModelNameOrPath() != null && !config.peftModelNameOrPath().isBlank();
    }

    /** {@code model_name_or_path}, which must be set. */
    public static String requireModel(TrainConfig config) {
        String name = config.modelNameOrPath();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("model_name_or_path is not set: point it at a Hugging Face model"
                    + " directory (config.json, *.safetensors, tokenizer.json) on any Hadoop file system");
        }
        return name;
    }
}
