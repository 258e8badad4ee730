package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.format.Checkpoint;
import org.bg2vec.format.TensorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The frozen base weights of a Mistral model, keyed by Hugging Face names without the {@code model.}
 * prefix ({@code embed_tokens.weight}, {@code layers.0.self_attn.q_proj.weight}, {@code norm.weight}, ...),
 * all of one element type. Loading maps hub keys ({@code model.} prefix optional; {@code lm_head.*} and
 * rotary caches ignored) and checks every shape against the config before reading any data.
 */
public final class MistralWeights {

    private static final Logger LOG = LoggerFactory.getLogger(MistralWeights.class);

    /** Projection modules of a decoder layer, as {@code <block>.<name>} (PEFT target_modules use the name). */
    public static final List<String> PROJECTIONS = List.of(
            "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
            "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj");

    private final MistralConfig config;
    private final Map<String, NDArray> tensors;

    /** Wraps already-loaded tensors (names without {@code model.}); shapes are checked. */
    public MistralWeights(MistralConfig config, Map<String, NDArray> tensors) {
        this.config = config;
        Map<String, long[]> expected = expectedShapes(config);
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            NDArray a = tensors.get(e.getKey());
            if (a == null) {
                throw new IllegalArgumentException("missing weight " + e.getKey());
            }
            if (!Arrays.equals(a.getShape().getShape(), e.getValue())) {
                throw new IllegalArgumentException("weight " + e.getKey() + " has shape " + a.getShape()
                        + ", config needs " + new Shape(e.getValue()));
            }
        }
        this.tensors = new LinkedHashMap<>(tensors);
    }

    /**
     * Reads the base weights of {@code checkpoint} into {@code manager} as {@code dtype} (FLOAT32 or FLOAT16).
     * Missing tensors and shape mismatches are reported all at once, with the expected shapes.
     */
    public static MistralWeights load(Checkpoint checkpoint, MistralConfig config, NDManager manager, DataType dtype) {
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
            throw new IllegalArgumentException("weights are held as FLOAT32 or FLOAT16, not " + dtype);
        }
        Map<String, long[]> expected = expectedShapes(config);
        Map<String, String> fileKey = new TreeMap<>();
        List<String> ignored = new ArrayList<>();
        for (String key : checkpoint.tensorFiles().keySet()) {
            String name = key.startsWith("model.") ? key.substring("model.".length()) : key;
            if (key.startsWith("lm_head.") || name.endsWith("rotary_emb.inv_freq") || !expected.containsKey(name)) {
                ignored.add(key);
                continue;
            }
            if (fileKey.put(name, key) != null) {
                throw new IllegalArgumentException(checkpoint.dir() + ": weight " + name
                        + " is stored both with and without the 'model.' prefix");
            }
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            String key = fileKey.get(e.getKey());
            if (key == null) {
                problems.add("missing " + e.getKey() + " " + new Shape(e.getValue()));
                continue;
            }
            TensorInfo info = checkpoint.info(key);
            if (!Arrays.equals(info.shape(), e.getValue())) {
                problems.add(key + " has shape " + new Shape(info.shape()) + " but the config needs "
                        + new Shape(e.getValue()));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("checkpoint " + checkpoint.dir() + " does not match its config ("
                    + config.numHiddenLayers() + " layers, hidden " + config.hiddenSize() + ", vocab "
                    + config.vocabSize() + "): " + String.join("; ", problems.subList(0, Math.min(12, problems.size())))
                    + (problems.size() > 12 ? "; ... " + (problems.size() - 12) + " more" : ""));
        }
        ignored.stream().filter(k -> !k.startsWith("lm_head.") && !k.endsWith("rotary_emb.inv_freq"))
                .forEach(k -> LOG.warn("{}: ignoring tensor {} (not part of a Mistral base model)", checkpoint.dir(), k));
        Map<String, NDArray> loaded = new LinkedHashMap<>();
        try {
            for (String name : expected.keySet()) {
                NDArray a = checkpoint.read(manager, fileKey.get(name), dtype);
                a.setName(name);
                loaded.put(name, a);
            }
        } catch (RuntimeException e) {
            loaded.values().forEach(NDArray::close);
            throw e;
        }
        return new MistralWeights(config, loaded);
    }

    /** Every base tensor name (no {@code model.} prefix) with its shape, in checkpoint order. */
    public static Map<String, long[]> expectedShapes(MistralConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long inter = c.intermediateSize();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("embed_tokens.weight", new long[]{c.vocabSize(), h});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "layers." + i + ".";
            m.put(p + "self_attn.q_proj.weight", new long[]{q, h});
            m.put(p + "self_attn.k_proj.weight", new long[]{kv, h});
            m.put(p + "self_attn.v_proj.weight", new long[]{kv, h});
            m.put(p + "self_attn.o_proj.weight", new long[]{h, q});
            m.put(p + "mlp.gate_proj.weight", new long[]{inter, h});
            m.put(p + "mlp.up_proj.weight", new long[]{inter, h});
            m.put(p + "mlp.down_proj.weight", new long[]{h, inter});
            m.put(p + "input_layernorm.weight", new long[]{h});
            m.put(p + "post_attention_layernorm.weight", new long[]{h});
        }
        m.put("norm.weight", new long[]{h});
        return m;
    }

    /** The config these weights match. */
    public MistralConfig config() {
        return config;
    }

    /** Tensor by name without the {@code model.} prefix, e.g. {@code layers.0.mlp.up_proj.weight}. */
    public NDArray get(String name) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no base weight " + name);
        }
        return a;
    }

    /** Names in checkpoint order. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** Element type of the weights. */
    public DataType dataType() {
        return tensors.get("norm.weight").getDataType();
    }

    /**
     * Merges a LoRA adapter into the base in place: {@code W += scaling · B·A}, computed in float32 and
     * stored back in the weights' type, {@link #MERGE_CHUNK} elements of W at a time (a block of rows:
     * {@code W[rows] += scaling · B[rows]·A}), so the transient memory is two float32 blocks of a few MB
     * however large W is, not several float32 copies of the whole matrix.
     */
    public void merge(LoraAdapter adapter) {
        float scaling = (float) adapter.config().scaling();
        for (Map.Entry<String, LoraAdapter.Pair> e : adapter.modules().entrySet()) {
            mergeInPlace(get(e.getKey() + ".weight"), e.getValue().a(), e.getValue().b(), scaling, MERGE_CHUNK);
        }
    }

    /** Elements of W merged at once (a block of whole rows). */
    public static final long MERGE_CHUNK = 1L << 22;

    /** {@code w += scaling · b·a} in place, about {@code chunkElements} elements of w at a time. */
    static void mergeInPlace(NDArray w, NDArray a, NDArray b, float scaling, long chunkElements) {
        long rows = w.getShape().get(0);
        long step = Math.max(1, chunkElements / w.getShape().get(1));
        for (long from = 0; from < rows; from += step) {
            NDIndex block = new NDIndex("{}:{}", from, Math.min(rows, from + step));
            try (NDManager scratch = w.getManager().newSubManager()) {
                // inputs join the scratch manager until it closes, so every intermediate is freed with it
                scratch.tempAttachAll(w, a, b);
                NDArray delta = b.get(block).toType(DataType.FLOAT32, false).matMul(a.toType(DataType.FLOAT32, false));
                delta.muli(scaling).addi(w.get(block).toType(DataType.FLOAT32, true));
                w.set(block, delta.toType(w.getDataType(), false));
            }
        }
    }

    /** Closes every tensor. */
    public void close() {
        tensors.values().forEach(NDArray::close);
    }
}
