package org.bg2vec.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Embeddings for a text column as a Spark job.")
public final class EncodeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotImplemented.report("encode");
    }
}
