package org.bg2vec.cli;

import org.bg2vec.format.SafetensorsDType;
import org.bg2vec.io.ByteSize;
import org.bg2vec.model.LoraConfig;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.model.ModelPreset;
import org.bg2vec.model.RandomCheckpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code bg2vec init-model}: a random Mistral checkpoint for demos, tests and benchmarks: small presets as one
 * float32 file, or the real 7B widths with fewer layers stored as HF publishes BgGPT (bf16 shards + index),
 * optionally with a random MNTP-style adapter.
 */
@Command(name = "init-model", mixinStandardHelpOptions = true,
        description = {"Write a random Mistral checkpoint (config.json + safetensors weights + tokenizer.json).",
                "Example of BgGPT-7B's widths and vocabulary in 2 layers, as published (bf16 shards + index),"
                        + " with an r=16 adapter on every projection:",
                "  init-model --preset mistral-7b --layers 2 --vocab-size 38000 --dtype bf16 --max-shard-size 400MB"
                        + " --adapter out/mntp --adapter-r 16 --tokenizer tokenizer.json --output out/model"})
public final class InitModelCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", defaultValue = "tiny",
            description = "Model size: tiny (hidden 64, 2 layers), small (hidden 256, 4 layers), "
                    + "medium (hidden 512, 8 layers), mistral-7b (hidden 4096, MLP 14336, 32 heads on 8 kv heads,"
                    + " 32 layers). Default: ${DEFAULT-VALUE}.")
    String preset;

    @Option(names = "--layers", paramLabel = "N", description = "Decoder layers instead of the preset's.")
    Integer layers;

    @Option(names = "--vocab-size", paramLabel = "V",
            description = "Embedding rows (>= the tokenizer's vocabulary; default: the tokenizer's).")
    Integer vocabSize;

    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "T",
            description = "Stored element type: f32 or bf16 (as HF publishes BgGPT). Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--max-shard-size", paramLabel = "SIZE",
            description = "Shard the weights into model-0000N-of-0000M.safetensors of at most SIZE (e.g. 400MB,"
                    + " 5GB) with model.safetensors.index.json; default: one model.safetensors.")
    String maxShardSize;

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "Also write a random PEFT LoRA adapter on every projection (an MNTP-adapter stand-in).")
    Path adapter;

    @Option(names = "--adapter-r", defaultValue = "16", paramLabel = "R",
            description = "Rank of the --adapter (alpha 2R). Default: ${DEFAULT-VALUE}.")
    int adapterR;

    @Option(names = "--tokenizer", required = true,
            description = "HF tokenizer.json; sets the vocabulary size and is copied beside the model.")
    Path tokenizer;

    @Option(names = "--output", required = true, description = "Output directory.")
    Path output;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--bos-token", defaultValue = "<s>", description = "BOS token string. Default: ${DEFAULT-VALUE}.")
    String bosToken;

    @Option(names = "--eos-token", defaultValue = "</s>", description = "EOS token string. Default: ${DEFAULT-VALUE}.")
    String eosToken;

    @Option(names = "--force", description = "Overwrite an existing model in the output directory.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(tokenizer)) {
            spec.commandLine().getErr().println("bg2vec init-model: tokenizer file not found: " + tokenizer);
            return 2;
        }
        if (!force && Files.exists(output.resolve("config.json"))) {
            spec.commandLine().getErr().println("bg2vec init-model: " + output + " already holds a model (config.json); use --force to overwrite");
            return 2;
        }
        ModelPreset size;
        MistralConfig config;
        RandomCheckpoint.Layout layout;
        try {
            size = ModelPreset.parse(preset);
            layout = layout();
            if (adapterR < 1) {
                throw new IllegalArgumentException("--adapter-r must be >= 1, got " + adapterR);
            }
            config = RandomCheckpoint.write(size, tokenizer, bosToken, eosToken, seed, output, layout);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("bg2vec init-model: " + e.getMessage());
            return 2;
        }
        spec.commandLine().getOut().println("wrote " + size.cliName() + " Mistral model to " + output
                + ": hidden " + config.hiddenSize() + ", " + config.numHiddenLayers() + " layers, "
                + config.numAttentionHeads() + " heads (" + config.numKeyValueHeads() + " kv), vocab "
                + config.vocabSize() + ", " + layout.dtype() + (layout.maxShardBytes() > 0 ? ", sharded" : "")
                + ", seed " + seed);
        if (adapter != null) {
            LoraConfig a = RandomCheckpoint.writeAdapter(config, adapterR, layout.dtype(), seed + 1, adapter);
            spec.commandLine().getOut().println("wrote a random LoRA adapter (r " + a.r() + ", alpha " + a.loraAlpha()
                    + ", every projection) to " + adapter);
        }
        return 0;
    }

    private RandomCheckpoint.Layout layout() {
        SafetensorsDType type = switch (dtype.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "f32", "float32", "fp32" -> SafetensorsDType.F32;
            case "bf16", "bfloat16" -> SafetensorsDType.BF16;
            default -> throw new IllegalArgumentException("--dtype must be f32 or bf16, got '" + dtype + "'");
        };
        long shard = maxShardSize == null ? 0 : ByteSize.parse(maxShardSize);
        if (maxShardSize != null && shard < 1) {
            throw new IllegalArgumentException("--max-shard-size must be at least 1 byte, got '" + maxShardSize + "'");
        }
        return new RandomCheckpoint.Layout(type, shard, layers, vocabSize);
    }
}
