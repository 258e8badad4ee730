package org.bg2vec.cli;

import picocli.CommandLine;

/** Reports an input or configuration error as one clear line on stderr, with exit code 1. */
final class CliErrors {

    static final int EXIT_CODE = 1;

    private CliErrors() {
    }

    static int report(CommandLine.Model.CommandSpec spec, Exception e) {
        spec.commandLine().getErr().println("bg2vec " + spec.name() + ": " + e.getMessage());
        spec.commandLine().getErr().flush();
        return EXIT_CODE;
    }

}
