package org.bg2vec.train;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.apache.hadoop.conf.Configuration;
import org.bg2vec.collective.Collective;
import org.bg2vec.collective.DeviceCollective;
import org.bg2vec.collective.TimedCollective;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.model.EncoderOptions;
import org.bg2vec.model.LoraConfig;
import org.bg2vec.model.MistralEncoder;
import org.bg2vec.model.Pooling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One training worker with the real model: builds the LLM2Vec encoder the config describes and runs
 * {@link SimCseTrainer} on it. The base model ({@code model_name_or_path}, a local Hugging Face
 * directory) loads as float16 on a GPU when {@code precision} is {@code fp16}, else float32 (on the
 * GPU if there is one, else the CPU); the MNTP adapter ({@code peft_model_name_or_path}) is merged
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
                                           Configuration hadoop) throws IOException {
        Path modelDir = modelDir(config);
        ModelFacts facts = ModelFacts.fromModelDir(modelDir);
        try (Llm2VecAdapterEncoder encoder = load(config, options(config, collective.rank(), cudaDeviceOf(collective)))) {
            return SimCseTrainer.run(config, encoder, loss(config), collective, facts, hadoop, listener);
        }
    }

    /** The loss the trainer optimises: llm2vec's HardNegativeNLLLoss with {@code loss_scale}. */
    public static ContrastiveLoss loss(TrainConfig config) {
        return new HardNegativeLoss(config.lossScale());
    }

    /** Where and in what element type the model runs under {@code config}. */
    static EncoderOptions options(TrainConfig config, int rank) {
        return options(config, rank, -1);
    }

    /**
     * The CUDA device this worker's collective was built for (one GPU per worker: the Spark task's GPU), or
     * -1 when the collective is not device-bound (CPU collective).
     */
    static int cudaDeviceOf(Collective collective) {
        Collective c = collective;
        while (c instanceof TimedCollective t) {
            c = t.delegate();
        }
        return c instanceof DeviceCollective d ? d.cudaDevice() : -1;
    }

    /** As {@link #options(TrainConfig, int)}, on CUDA device {@code cudaDevice} when it is not -1. */
    static EncoderOptions options(TrainConfig config, int rank, int cudaDevice) {
        boolean gpu = cudaDevice >= 0 || DjlRuntime.engine().getGpuCount() > 0;
        boolean fp16 = config.precision() == TrainConfig.Precision.FP16;
        if (fp16 && !gpu && rank == 0) {
            LOG.warn("precision fp16 needs a GPU and none is visible: training in float32 on the CPU");
        }
        Device device = cudaDevice >= 0 ? Device.gpu(cudaDevice) : gpu ? Device.gpu() : Device.cpu();
        DataType type = fp16 && gpu ? DataType.FLOAT16 : DataType.FLOAT32;
        return new EncoderOptions(device, type, Pooling.parse(config.poolingMode()), !config.bidirectional(),
                config.simcseDropout(), config.gradientCheckpointing());
    }

    /** The encoder of {@code config} with its MNTP adapter merged and a fresh trainable LoRA attached. */
    static Llm2VecAdapterEncoder load(TrainConfig config, EncoderOptions options) throws IOException {
        Path modelDir = modelDir(config);
        MistralEncoder encoder = MistralEncoder.load(modelDir, options);
        try {
            if (config.peftModelNameOrPath() != null && !config.peftModelNameOrPath().isBlank()) {
                Path adapter = Path.of(config.peftModelNameOrPath());
                if (!Files.isDirectory(adapter)) {
                    throw new IOException("peft_model_name_or_path " + adapter
                            + " is not a local directory (the MNTP adapter: adapter_config.json + adapter_model.safetensors)");
                }
                encoder.mergeAdapter(adapter);
            }
            LoraConfig lora = new LoraConfig(config.loraR(), config.loraAlpha(), config.loraDropout(), TARGET_MODULES,
                    config.modelNameOrPath());
            encoder.newTrainableAdapter(lora, config.seed());
            return new Llm2VecAdapterEncoder(encoder, config.modelNameOrPath(), config.poolingMode(),
                    config.maxSeqLength());
        } catch (IOException | RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    private static Path modelDir(TrainConfig config) throws IOException {
        String name = config.modelNameOrPath();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("model_name_or_path is not set: point it at a local Hugging Face model"
                    + " directory (config.json, model.safetensors, tokenizer.json)");
        }
        Path dir = Path.of(name);
        if (!Files.isDirectory(dir)) {
            throw new IOException("model_name_or_path " + name + " is not a local directory; copy the model"
                    + " (config.json, *.safetensors, tokenizer.json) to every worker and point the config at it");
        }
        return dir;
    }
}
