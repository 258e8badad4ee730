package org.bg2vec.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code bg2vec} command line (local launcher and spark-submit alike). */
@Command(name = "bg2vec", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Turns a decoder LLM into a text encoder the LLM2Vec way, on Spark.",
        subcommands = {
                PrepareCommand.class,
                TrainCommand.class,
                MntpCommand.class,
                PlanCommand.class,
                EncodeCommand.class,
                EvaluateCommand.class,
                InitModelCommand.class,
                DemoCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.exit(code);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"bg2vec " + (v == null ? "(development build)" : v)};
        }
    }
}
