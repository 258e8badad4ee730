package org.bg2vec.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Retrieval and SimCSE metrics, base vs adapted model, with a report.")
public final class EvaluateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotImplemented.report("evaluate");
    }
}
