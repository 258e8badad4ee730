package org.bg2vec.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The whole pipeline on the bundled sample in Spark local mode.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotImplemented.report("demo");
    }
}
