package org.bg2vec.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "init-model", mixinStandardHelpOptions = true,
        description = "Write a random small Mistral checkpoint (config.json + model.safetensors + tokenizer.json).")
public final class InitModelCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotImplemented.report("init-model");
    }
}
