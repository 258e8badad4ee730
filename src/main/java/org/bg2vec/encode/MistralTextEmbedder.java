package org.bg2vec.encode;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.apache.hadoop.conf.Configuration;
import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.djl.Autograd;
import org.bg2vec.model.EncoderOptions;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.model.MistralEncoder;
import org.bg2vec.model.Pooling;
import org.bg2vec.modelstore.ModelStore;
import org.bg2vec.modelstore.ModelUris;
import org.bg2vec.tokenize.Llm2VecTokenizer;
import org.bg2vec.tokenize.TokenizedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real {@link TextEmbedder}: a bidirectional Mistral (base weights, then each adapter merged in order, e.g.
 * MNTP then the trained SimCSE adapter) and the model's {@code tokenizer.json}, encoding texts exactly as
 * llm2vec 0.2.2's {@code LLM2Vec.encode} does under the model's {@link Llm2VecSettings} ({@link Llm2VecTexts},
 * {@link Llm2VecTokenizer#tokenize}). Eval mode, no gradient, fp32 on the CPU / fp16 on the GPU it was given.
 */
public final class MistralTextEmbedder implements TextEmbedder {

    private static final Logger LOG = LoggerFactory.getLogger(MistralTextEmbedder.class);

    private final MistralEncoder encoder;
    private final Llm2VecTokenizer tokenizer;
    private final Llm2VecSettings settings;
    private final NDManager manager;

    private MistralTextEmbedder(MistralEncoder encoder, Llm2VecTokenizer tokenizer, Llm2VecSettings settings,
                                NDManager manager) {
        this.encoder = encoder;
        this.tokenizer = tokenizer;
        this.settings = settings;
        this.manager = manager;
    }

    /**
     * @param modelDir config.json, safetensors weights, tokenizer.json
     * @param adapters PEFT adapter directories merged in this order (may be empty)
     * @param settings max length, doc max length, pooling, skip_instruction ({@link Llm2VecSettings#resolve})
     * @param device   where the model runs (the task's device, {@link org.bg2vec.djl.DeviceDecision})
     */
    public static MistralTextEmbedder open(Path modelDir, List<Path> adapters, Llm2VecSettings settings,
                                           ComputeDevice device) throws IOException {
        Engine engine = DjlRuntime.engine();
        EncoderOptions options = EncoderOptions.forDevice(device.djl()).withPooling(settings.pooling());
        LOG.info(device.logLine("embedder of " + modelDir.getFileName(), "embeds", options.computeType()));
        MistralEncoder encoder = MistralEncoder.load(modelDir, options);
        try {
            for (Path a : adapters) {
                encoder.mergeAdapter(a);
            }
            MistralConfig cfg = encoder.config();
            long pad = cfg.padTokenId() != null ? cfg.padTokenId() : cfg.eosTokenId();
            Llm2VecTokenizer tokenizer = Llm2VecTokenizer.load(modelDir.resolve("tokenizer.json"), settings.maxLength(),
                    pad);
            return new MistralTextEmbedder(encoder, tokenizer, settings, engine.newBaseManager(device.djl()));
        } catch (IOException | RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    public Llm2VecSettings settings() {
        return settings;
    }

    @Override
    public int dimension() {
        return encoder.hiddenSize();
    }

    @Override
    public float[][] embed(List<String> texts) {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        List<String> prepared = new ArrayList<>(texts.size());
        for (String t : texts) {
            prepared.add(Llm2VecTexts.prepare(t, settings, tokenizer::countTokens));
        }
        TokenizedBatch batch = tokenizer.tokenize(prepared);
        if (!settings.skipInstruction()) { // llm2vec pools its attention mask: every real token
            batch = new TokenizedBatch(batch.batchSize(), batch.length(), batch.inputIds(), batch.attentionMask(),
                    batch.attentionMask());
        }
        try (Autograd.Scope noGrad = Autograd.gradMode(false); NDManager sub = manager.newSubManager()) {
            NDArray reps = encoder.embed(sub, batch, false, 0L);
            float[] flat = reps.toFloatArray();
            int h = encoder.hiddenSize();
            float[][] out = new float[texts.size()][h];
            for (int i = 0; i < out.length; i++) {
                System.arraycopy(flat, i * h, out[i], 0, h);
            }
            return out;
        }
    }

    @Override
    public void close() {
        try {
            tokenizer.close();
        } finally {
            try {
                encoder.close();
            } finally {
                manager.close();
            }
        }
    }

    /**
     * Serializable factory; equal factories share one embedder per executor JVM and device.
     *
     * @param model             the base model directory (any Hadoop URI; qualified by {@link #resolve})
     * @param adapters          PEFT adapter directories merged in this order (any Hadoop URIs)
     * @param maxLengthOverride {@code --max-length}, or null for the models' {@value Llm2VecSettings#FILE}
     * @param poolingOverride   {@code --pooling}, or null for the models' {@value Llm2VecSettings#FILE}
     * @param settings          the effective settings once {@link #resolve resolved}, else null (then resolved
     *                          where the embedder opens)
     */
    public record Factory(String model, List<String> adapters, Integer maxLengthOverride, Pooling poolingOverride,
                          Llm2VecSettings settings) implements TextEmbedderFactory {
        private static final long serialVersionUID = 1L;

        public Factory {
            adapters = List.copyOf(adapters);
        }

        @Override
        public TextEmbedder open(ComputeDevice device, ModelStore models) {
            try {
                Llm2VecSettings s = settings != null ? settings
                        : Llm2VecSettings.resolve(model, adapters, maxLengthOverride, poolingOverride, new Configuration());
                Path modelDir = models.localDirectory(model).dir();
                List<Path> adapterDirs = new ArrayList<>();
                for (String a : adapters) {
                    adapterDirs.add(models.localDirectory(a).dir());
                }
                return MistralTextEmbedder.open(modelDir, adapterDirs, s, device);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the model " + model + " with adapters " + adapters
                        + ": " + e.getMessage(), e);
            }
        }

        /**
         * Model and adapter paths qualified and checked ({@code config.json}, {@code adapter_config.json}), and the
         * effective llm2vec settings read from them.
         */
        @Override
        public Factory resolve(Configuration hadoop) {
            List<String> resolved = new ArrayList<>();
            for (String a : adapters) {
                resolved.add(ModelUris.requireDirectory(a, "adapter", "adapter_config.json", hadoop));
            }
            String base = ModelUris.requireDirectory(model, "model", "config.json", hadoop);
            return new Factory(base, resolved, maxLengthOverride, poolingOverride,
                    Llm2VecSettings.resolve(base, resolved, maxLengthOverride, poolingOverride, hadoop));
        }

        @Override
        public java.util.Map<String, Object> reportSettings() {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("model", model);
            m.put("adapters", adapters);
            if (settings != null) {
                m.putAll(settings.asMap());
            }
            return m;
        }

        @Override
        public String describe() {
            return model + (adapters.isEmpty() ? "" : " + " + String.join(" + ", adapters))
                    + (settings == null ? "" : ": " + settings.describe());
        }
    }
}
