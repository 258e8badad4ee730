package org.bg2vec.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.bg2vec.format.BFloat16;
import org.bg2vec.format.Checkpoint;
import org.bg2vec.format.SafetensorsDType;
import org.bg2vec.format.SafetensorsWriter;
import org.bg2vec.format.ShardedCheckpointWriter;
import org.bg2vec.tokenize.TokenizerFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a randomly initialised Mistral checkpoint in Hugging Face layout: {@code config.json}, the weights
 * (hub key names with the {@code model.} prefix) and the given {@code tokenizer.json} copied beside them.
 * Linear and embedding weights are N(0, 0.02²) as transformers initialises them; RMSNorm weights are 1. Each
 * tensor is drawn from a generator keyed by (seed, name), so the output depends only on the seed and the shape.
 *
 * <p>By default the weights are one float32 {@code model.safetensors}. {@link Layout} also writes them as HF
 * publishes large models (BgGPT-7B): bfloat16, sharded into {@code model-0000N-of-0000M.safetensors} with
 * {@code model.safetensors.index.json}, one tensor in memory at a time. {@link #writeAdapter} writes a random
 * PEFT LoRA adapter (an MNTP-adapter stand-in: A and B both non-zero, so merging it changes the base).
 */
public final class RandomCheckpoint {

    private RandomCheckpoint() {
    }

    /**
     * How the weights are stored and which shape overrides apply.
     *
     * @param dtype         F32 or BF16
     * @param maxShardBytes 0: one {@code model.safetensors}; else shards of at most this many bytes + index
     * @param layers        decoder layers, or null for the preset's
     * @param vocabSize     embedding rows, or null for the tokenizer's vocabulary (must not be smaller)
     */
    public record Layout(SafetensorsDType dtype, long maxShardBytes, Integer layers, Integer vocabSize) {
        public Layout {
            if (dtype != SafetensorsDType.F32 && dtype != SafetensorsDType.BF16) {
                throw new IllegalArgumentException("random checkpoints are written as F32 or BF16, not " + dtype);
            }
            if (maxShardBytes < 0) {
                throw new IllegalArgumentException("the shard size must be >= 0 (0 = one file), got " + maxShardBytes);
            }
            if (layers != null && layers < 1) {
                throw new IllegalArgumentException("layers must be >= 1, got " + layers);
            }
        }

        /** One float32 {@code model.safetensors}, the preset's layers and the tokenizer's vocabulary. */
        public static Layout defaults() {
            return new Layout(SafetensorsDType.F32, 0, null, null);
        }
    }

    /** The id of {@code token} in the tokenizer (added tokens first, then the model vocab), or -1. */
    public static int tokenId(JsonNode tokenizer, String token) {
        for (JsonNode t : tokenizer.path("added_tokens")) {
            if (token.equals(t.path("content").asText(null))) {
                return t.path("id").asInt();
            }
        }
        JsonNode vocab = tokenizer.path("model").path("vocab");
        if (vocab.isObject() && vocab.has(token)) {
            return vocab.get(token).asInt();
        }
        if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) {
                if (token.equals(vocab.get(i).path(0).asText(null))) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** {@link #write(ModelPreset, Path, String, String, long, Path, Layout)} with the default layout. */
    public static MistralConfig write(ModelPreset preset, Path tokenizerJson, String bosToken, String eosToken,
                                      long seed, Path outputDir) throws IOException {
        return write(preset, tokenizerJson, bosToken, eosToken, seed, outputDir, Layout.defaults());
    }

    /**
     * Writes the checkpoint of {@code preset} into {@code outputDir}, with the vocabulary and the BOS/EOS
     * ids of {@code tokenizerJson} (tokens {@code bosToken}, {@code eosToken}), stored as {@code layout} says.
     * Returns its config.
     */
    public static MistralConfig write(ModelPreset preset, Path tokenizerJson, String bosToken, String eosToken,
                                      long seed, Path outputDir, Layout layout) throws IOException {
        JsonNode tok;
        try {
            tok = new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new IOException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        int vocab;
        try {
            vocab = TokenizerFiles.vocabSize(tok);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(tokenizerJson + ": " + e.getMessage(), e);
        }
        if (layout.vocabSize() != null && layout.vocabSize() < vocab) {
            throw new IllegalArgumentException("vocabulary size " + layout.vocabSize() + " is smaller than the "
                    + vocab + " tokens of " + tokenizerJson);
        }
        int bos = tokenId(tok, bosToken);
        int eos = tokenId(tok, eosToken);
        if (bos < 0 || eos < 0) {
            throw new IllegalArgumentException(tokenizerJson + ": no token '" + (bos < 0 ? bosToken : eosToken)
                    + "' (set the BOS/EOS token strings of this tokenizer)");
        }
        MistralConfig config = preset.config(layout.vocabSize() == null ? vocab : layout.vocabSize(), bos, eos,
                layout.layers() == null ? preset.layers() : layout.layers());
        Files.createDirectories(outputDir);
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (Map.Entry<String, long[]> e : MistralWeights.expectedShapes(config).entrySet()) {
            String key = "model." + e.getKey();
            long[] shape = e.getValue();
            tensors.add(SafetensorsWriter.lazy(key, layout.dtype(), shape,
                    () -> encode(values(key, shape, seed), layout.dtype())));
        }
        Files.deleteIfExists(outputDir.resolve(Checkpoint.INDEX_FILE));
        Files.deleteIfExists(outputDir.resolve(Checkpoint.SINGLE_FILE));
        if (layout.maxShardBytes() == 0) {
            SafetensorsWriter.write(outputDir.resolve(Checkpoint.SINGLE_FILE), tensors, Map.of("format", "pt"));
        } else {
            ShardedCheckpointWriter.write(outputDir, tensors, layout.maxShardBytes(), Map.of("format", "pt"));
        }
        Files.writeString(outputDir.resolve("config.json"), new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(config.toJson()) + "\n");
        Path target = outputDir.resolve("tokenizer.json");
        if (!Files.exists(target) || !Files.isSameFile(tokenizerJson, target)) {
            Files.copy(tokenizerJson, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return config;
    }

    /**
     * Writes a PEFT adapter of rank {@code r} (alpha 2r, dropout 0.05) on every projection of every layer of
     * {@code model} into {@code dir}: A uniform in ±1/√in as PEFT initialises it, B N(0, 0.01²) (a trained
     * adapter's B is not zero), stored as {@code dtype}; each tensor keyed by (seed, name).
     */
    public static LoraConfig writeAdapter(MistralConfig model, int r, SafetensorsDType dtype, long seed, Path dir)
            throws IOException {
        LoraConfig cfg = new LoraConfig(r, 2.0 * r, 0.05, LoraConfig.SUPPORTED_MODULES.stream().toList(), "");
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (Map.Entry<String, long[]> e : MistralWeights.expectedShapes(model).entrySet()) {
            String module = e.getKey().substring(0, e.getKey().length() - ".weight".length());
            if (e.getValue().length != 2 || module.equals("embed_tokens")) {
                continue;
            }
            long out = e.getValue()[0];
            long in = e.getValue()[1];
            String a = LoraAdapter.peftKey(module, true);
            String b = LoraAdapter.peftKey(module, false);
            tensors.add(SafetensorsWriter.lazy(a, dtype, new long[]{r, in},
                    () -> encode(uniform(a, r * in, 1.0 / Math.sqrt(in), seed), dtype)));
            tensors.add(SafetensorsWriter.lazy(b, dtype, new long[]{out, r},
                    () -> encode(gaussian(b, out * r, 0.01, seed), dtype)));
        }
        Files.createDirectories(dir);
        SafetensorsWriter.write(dir.resolve(LoraAdapter.WEIGHTS_FILE), tensors, Map.of("format", "pt"));
        cfg.save(dir);
        return cfg;
    }

    /** The values of base tensor {@code key}: ones for norms, N(0, 0.02²) otherwise. */
    private static float[] values(String key, long[] shape, long seed) {
        if (shape.length == 1) {
            float[] ones = new float[Math.toIntExact(shape[0])];
            java.util.Arrays.fill(ones, 1f);
            return ones;
        }
        return gaussian(key, shape[0] * shape[1], 0.02, seed);
    }

    private static float[] gaussian(String key, long n, double std, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed ^ DeterministicDropout.site(key));
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (std * rnd.nextGaussian());
        }
        return v;
    }

    private static float[] uniform(String key, long n, double bound, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed ^ DeterministicDropout.site(key));
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextDouble(-bound, bound);
        }
        return v;
    }

    /** Little-endian bytes of {@code v} as F32, or rounded to BF16. */
    private static ByteBuffer encode(float[] v, SafetensorsDType dtype) {
        ByteBuffer b = ByteBuffer.allocate(v.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == SafetensorsDType.BF16) {
            for (float x : v) {
                b.putShort(BFloat16.fromFloat(x));
            }
        } else {
            b.asFloatBuffer().put(v);
            b.position(b.limit());
        }
        return b.flip();
    }
}
