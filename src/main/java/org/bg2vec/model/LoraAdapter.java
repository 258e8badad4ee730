package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.bg2vec.djl.Autograd;
import org.bg2vec.djl.Casts;
import org.bg2vec.djl.Tensors;
import org.bg2vec.format.SafetensorsFile;
import org.bg2vec.format.SafetensorsWriter;
import org.bg2vec.format.TensorInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A LoRA adapter in PEFT layout over the projections of a Mistral base model, held in float32.
 * Module keys are base-weight names without {@code .weight} ({@code layers.3.self_attn.q_proj}); the PEFT
 * tensor names are {@code base_model.model.<module>.lora_A.weight} ([r, in]) and {@code ...lora_B.weight}
 * ([out, r]). The forward contribution is {@code scaling · B·A·dropout(x)} with {@code scaling = alpha / r}.
 */
public final class LoraAdapter implements AutoCloseable {

    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    private static final String PREFIX = "base_model.model.";
    private static final Pattern KEY = Pattern.compile(
            "^(?:model\\.)?(layers\\.(\\d+)\\.(self_attn|mlp)\\.([a-z_]+))\\.lora_([AB])\\.weight$");

    /** The two matrices of one wrapped projection. */
    public record Pair(NDArray a, NDArray b) {
    }

    private final LoraConfig config;
    private final Map<String, Pair> modules;
    private final NDManager manager;

    private LoraAdapter(LoraConfig config, Map<String, Pair> modules, NDManager manager) {
        this.config = config;
        this.modules = Collections.unmodifiableMap(new TreeMap<>(modules));
        this.manager = manager;
    }

    /**
     * Reads a PEFT adapter directory ({@code adapter_config.json} + {@code adapter_model.safetensors})
     * into a new sub-manager of {@code parent}, as float32. Any subset of the projections may be present;
     * shapes are checked against the model config and the adapter's rank.
     */
    public static LoraAdapter load(Path dir, MistralConfig model, NDManager parent) throws IOException {
        LoraConfig cfg = LoraConfig.load(dir);
        Path file = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + WEIGHTS_FILE + " in adapter directory " + dir
                    + (Files.exists(dir.resolve("adapter_model.bin")) ? " (adapter_model.bin is not supported:"
                    + " re-save it with safe_serialization=True)" : ""));
        }
        Map<String, long[]> baseShapes = MistralWeights.expectedShapes(model);
        NDManager m = parent.newSubManager();
        Map<String, NDArray[]> found = new TreeMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (TensorInfo info : f.tensors().values()) {
                String name = info.name();
                Matcher km = name.startsWith(PREFIX) ? KEY.matcher(name.substring(PREFIX.length())) : null;
                if (km == null || !km.matches()) {
                    throw new IllegalArgumentException(file + ": tensor '" + name + "' is not a LoRA weight of a"
                            + " Mistral projection (expected base_model.model.layers.N.<self_attn|mlp>.<proj>.lora_<A|B>.weight)");
                }
                String module = km.group(1);
                long[] base = baseShapes.get(module + ".weight");
                if (base == null || !LoraConfig.SUPPORTED_MODULES.contains(km.group(4))) {
                    throw new IllegalArgumentException(file + ": tensor '" + name + "' names module " + module
                            + ", which the base model (" + model.numHiddenLayers() + " layers) does not have");
                }
                if (!cfg.targets(module)) {
                    throw new IllegalArgumentException(file + ": tensor '" + name + "' wraps " + km.group(4)
                            + ", which is not in target_modules " + cfg.targetModules());
                }
                boolean isA = km.group(5).equals("A");
                long[] want = isA ? new long[]{cfg.r(), base[1]} : new long[]{base[0], cfg.r()};
                if (!Arrays.equals(info.shape(), want)) {
                    throw new IllegalArgumentException(file + ": tensor '" + name + "' has shape "
                            + new Shape(info.shape()) + ", expected " + new Shape(want) + " (r=" + cfg.r() + ")");
                }
                NDArray a = f.read(m, name, DataType.FLOAT32);
                found.computeIfAbsent(module, k -> new NDArray[2])[isA ? 0 : 1] = a;
            }
            Map<String, Pair> modules = new TreeMap<>();
            for (Map.Entry<String, NDArray[]> e : found.entrySet()) {
                if (e.getValue()[0] == null || e.getValue()[1] == null) {
                    throw new IllegalArgumentException(file + ": module " + e.getKey() + " has only lora_"
                            + (e.getValue()[0] == null ? "B" : "A"));
                }
                modules.put(e.getKey(), new Pair(e.getValue()[0], e.getValue()[1]));
            }
            if (modules.isEmpty()) {
                throw new IllegalArgumentException(file + ": no LoRA tensors");
            }
            return new LoraAdapter(cfg, modules, m);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * A new adapter initialised as PEFT does: A Kaiming-uniform with a = √5 (uniform in ±1/√in), B zeros,
     * over every target projection of every layer. A is drawn from a {@link SplittableRandom} keyed by
     * (seed, module), so the result does not depend on torch's RNG or on the order of creation.
     */
    public static LoraAdapter initialize(LoraConfig cfg, MistralConfig model, NDManager parent, long seed) {
        NDManager m = parent.newSubManager();
        Map<String, Pair> modules = new TreeMap<>();
        for (Map.Entry<String, long[]> e : MistralWeights.expectedShapes(model).entrySet()) {
            String module = e.getKey().substring(0, e.getKey().length() - ".weight".length());
            if (e.getValue().length != 2 || module.equals("embed_tokens") || !cfg.targets(module)) {
                continue;
            }
            long out = e.getValue()[0];
            long in = e.getValue()[1];
            SplittableRandom rnd = new SplittableRandom(seed ^ DeterministicDropout.site(module));
            float bound = (float) (1.0 / Math.sqrt(in));
            float[] a = new float[Math.toIntExact(cfg.r() * in)];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextDouble(-bound, bound);
            }
            modules.put(module, new Pair(Tensors.owned(m, a, new Shape(cfg.r(), in)),
                    m.zeros(new Shape(out, cfg.r()), DataType.FLOAT32)));
        }
        return new LoraAdapter(cfg, modules, m);
    }

    /** Marks every A and B as a leaf requiring grad (for training). */
    public void requireGrad() {
        modules.values().forEach(p -> {
            Autograd.requireGrad(p.a());
            Autograd.requireGrad(p.b());
        });
    }

    /** The adapter's config. */
    public LoraConfig config() {
        return config;
    }

    /** Wrapped modules by key, sorted. */
    public Map<String, Pair> modules() {
        return modules;
    }

    /** Whether {@code module} (e.g. {@code layers.0.mlp.up_proj}) is wrapped. */
    public boolean wraps(String module) {
        return modules.containsKey(module);
    }

    /**
     * The LoRA term of {@code module} for input {@code x} ([..., in], any float type), in float32:
     * {@code scaling · B·A·dropout(x)}; dropout only when {@code training}, with a mask keyed by
     * (dropoutSeed, module). Computed as {@code B·((A·zeroDropped(x)) · scaling/(1-p))}: the dropout's
     * {@code 1/(1-p)} and the LoRA scaling are one product on the rank-r term, not two passes over the
     * [..., in] input and the [..., out] output (the same value up to float rounding). Each projection casts its
     * input to float32 itself (as PEFT's LoRA layers do, so the input gradient is rounded per projection exactly
     * as there), and every intermediate handle is closed as soon as it is used: what stays until backward is
     * what autograd saved, i.e. with dropout the projection's mask (BOOLEAN; float32 on the CPU, see
     * {@link DeterministicDropout#zeroDropped}) and its dropped float32 input,
     * without dropout the float32 input, and the rank-r products.
     */
    public NDArray delta(String module, NDArray x, boolean training, long dropoutSeed) {
        Pair p = modules.get(module);
        NDArray in = Casts.to(x, DataType.FLOAT32);
        double dropout = training ? config.loraDropout() : 0;
        in = closing(in, x, DeterministicDropout.zeroDropped(in, dropout, dropoutSeed,
                DeterministicDropout.site(module + "#lora_dropout")));
        NDArray down = closing(in, x, Linear.linear(in, p.a()).singletonOrThrow());
        float scale = (float) (config.scaling() * DeterministicDropout.keptScale(dropout));
        NDArray scaled = closing(down, x, Tensors.mul(down, scale));
        return closing(scaled, x, Linear.linear(scaled, p.b()).singletonOrThrow());
    }

    /** {@code result}, after closing the intermediate {@code used} unless it is the caller's input or the result. */
    private static NDArray closing(NDArray used, NDArray input, NDArray result) {
        if (used != input && used != result) {
            used.close();
        }
        return result;
    }

    /** The PEFT key of a module's A or B. */
    public static String peftKey(String module, boolean a) {
        return PREFIX + module + (a ? ".lora_A.weight" : ".lora_B.weight");
    }

    /** All tensors as named parameters, sorted by PEFT key. */
    public List<NamedParameter> parameters() {
        TreeMap<String, NDArray> byKey = new TreeMap<>();
        modules.forEach((k, p) -> {
            byKey.put(peftKey(k, true), p.a());
            byKey.put(peftKey(k, false), p.b());
        });
        List<NamedParameter> out = new ArrayList<>();
        byKey.forEach((k, v) -> out.add(new NamedParameter(k, v)));
        return out;
    }

    /**
     * Writes {@code adapter_config.json} (with {@code base_model_name_or_path}) and
     * {@code adapter_model.safetensors} into {@code dir}, loadable by Python {@code peft}.
     */
    public void save(Path dir, String baseModelNameOrPath) throws IOException {
        Files.createDirectories(dir);
        LoraConfig out = new LoraConfig(config.r(), config.loraAlpha(), config.loraDropout(),
                new ArrayList<>(new TreeSet<>(config.targetModules())), baseModelNameOrPath);
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        for (NamedParameter p : parameters()) {
            entries.add(SafetensorsWriter.Entry.of(p.name(), p.array()));
        }
        SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), entries, Map.of("format", "pt"));
        out.save(dir);
    }

    /** Frees the adapter's tensors. */
    @Override
    public void close() {
        manager.close();
    }
}
