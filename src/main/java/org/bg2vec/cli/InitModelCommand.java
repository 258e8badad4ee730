package org.bg2vec.cli;

import org.bg2vec.model.MistralConfig;
import org.bg2vec.model.ModelPreset;
import org.bg2vec.model.RandomCheckpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code bg2vec init-model}: a random small Mistral checkpoint for demos and tests. */
@Command(name = "init-model", mixinStandardHelpOptions = true,
        description = "Write a random small Mistral checkpoint (config.json + model.safetensors + tokenizer.json).")
public final class InitModelCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", defaultValue = "tiny",
            description = "Model size: tiny (hidden 64, 2 layers), small (hidden 256, 4 layers), "
                    + "medium (hidden 512, 8 layers). Default: ${DEFAULT-VALUE}.")
    String preset;

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
        try {
            size = ModelPreset.parse(preset);
            config = RandomCheckpoint.write(size, tokenizer, bosToken, eosToken, seed, output);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("bg2vec init-model: " + e.getMessage());
            return 2;
        }
        spec.commandLine().getOut().println("wrote " + size.name().toLowerCase(java.util.Locale.ROOT) + " Mistral model to " + output
                + ": hidden " + config.hiddenSize() + ", " + config.numHiddenLayers() + " layers, "
                + config.numAttentionHeads() + " heads (" + config.numKeyValueHeads() + " kv), vocab "
                + config.vocabSize() + ", seed " + seed);
        return 0;
    }
}
