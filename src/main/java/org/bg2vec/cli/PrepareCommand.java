package org.bg2vec.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = "Wikipedia dump or Parquet -> clean, tokenized, paired Parquet shards + manifest (Spark job).")
public final class PrepareCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotImplemented.report("prepare");
    }
}
