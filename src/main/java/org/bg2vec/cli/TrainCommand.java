package org.bg2vec.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "SimCSE LoRA training as a Spark barrier stage.")
public final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotImplemented.report("train");
    }
}
