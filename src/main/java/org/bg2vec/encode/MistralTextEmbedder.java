package org.bg2vec.encode;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.model.Autograd;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real {@link TextEmbedder}: a bidirectional Mistral (base weights, then each adapter merged in
 * order, e.g. MNTP then the trained SimCSE adapter) and the model's {@code tokenizer.json} with
 * LLM2Vec's semantics. Eval mode, no gradient, fp32 on the CPU / fp16 on the GPU it was given.
 */
public final class MistralTextEmbedder implements TextEmbedder {

    private static final Logger LOG = LoggerFactory.getLogger(MistralTextEmbedder.class);

    private final MistralEncoder encoder;
    private final Llm2VecTokenizer tokenizer;
    private final NDManager manager;

    private MistralTextEmbedder(MistralEncoder encoder, Llm2VecTokenizer tokenizer, NDManager manager) {
        this.encoder = encoder;
        this.tokenizer = tokenizer;
        this.manager = manager;
    }

    /**
     * @param modelDir  config.json, safetensors weights, tokenizer.json
     * @param adapters  PEFT adapter directories merged in this order (may be empty)
     * @param maxLength tokens per text, BOS included
     * @param device    where the model runs (the task's device, {@link org.bg2vec.djl.DeviceDecision})
     */
    public static MistralTextEmbedder open(Path modelDir, List<Path> adapters, int maxLength, ComputeDevice device)
            throws IOException {
        Engine engine = DjlRuntime.engine();
        Pooling pooling = Pooling.MEAN;
        for (Path a : adapters) {
            pooling = poolingOf(a, pooling);
        }
        EncoderOptions options = EncoderOptions.forDevice(device.djl()).withPooling(pooling);
        LOG.info(device.logLine("embedder of " + modelDir.getFileName(), "embeds", options.computeType()));
        MistralEncoder encoder = MistralEncoder.load(modelDir, options);
        try {
            for (Path a : adapters) {
                encoder.mergeAdapter(a);
            }
            MistralConfig cfg = encoder.config();
            long pad = cfg.padTokenId() != null ? cfg.padTokenId() : cfg.eosTokenId();
            Path tok = modelDir.resolve("tokenizer.json");
            Llm2VecTokenizer tokenizer = Llm2VecTokenizer.load(tok, maxLength, pad);
            return new MistralTextEmbedder(encoder, tokenizer, engine.newBaseManager(device.djl()));
        } catch (IOException | RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    /** An adapter trained by llm2vec or bg2vec says its pooling in llm2vec_config.json. */
    static Pooling poolingOf(Path adapterDir, Pooling fallback) throws IOException {
        Path f = adapterDir.resolve("llm2vec_config.json");
        if (!Files.isRegularFile(f)) {
            return fallback;
        }
        JsonNode n = new ObjectMapper().readTree(f.toFile()).get("pooling_mode");
        return n == null ? fallback : Pooling.parse(n.asText());
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
        TokenizedBatch batch = tokenizer.tokenize(texts);
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
     * @param model    the base model directory (any Hadoop URI; qualified by {@link #resolve})
     * @param adapters PEFT adapter directories merged in this order (any Hadoop URIs)
     */
    public record Factory(String model, List<String> adapters, int maxLength) implements TextEmbedderFactory {
        private static final long serialVersionUID = 1L;

        public Factory {
            adapters = List.copyOf(adapters);
        }

        @Override
        public TextEmbedder open(ComputeDevice device, ModelStore models) {
            try {
                Path modelDir = models.localDirectory(model).dir();
                List<Path> adapterDirs = new java.util.ArrayList<>();
                for (String a : adapters) {
                    adapterDirs.add(models.localDirectory(a).dir());
                }
                return MistralTextEmbedder.open(modelDir, adapterDirs, maxLength, device);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the model " + model + " with adapters " + adapters
                        + ": " + e.getMessage(), e);
            }
        }

        /** Model and adapter paths qualified and checked ({@code config.json}, {@code adapter_config.json}). */
        @Override
        public Factory resolve(Configuration hadoop) {
            List<String> resolved = new java.util.ArrayList<>();
            for (String a : adapters) {
                resolved.add(ModelUris.requireDirectory(a, "adapter", "adapter_config.json", hadoop));
            }
            return new Factory(ModelUris.requireDirectory(model, "model", "config.json", hadoop), resolved, maxLength);
        }
    }
}
