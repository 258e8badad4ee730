package org.bg2vec.cli;

import org.bg2vec.eval.ReportFiles;
import org.bg2vec.eval.ReportMarkdown;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code bg2vec demo}: the whole pipeline on the bundled sample dump, offline, in Spark local mode:
 * prepare → init-model (tiny Mistral, real Llama-2 tokenizer) → evaluate the random init → train
 * SimCSE with 2 barrier workers and the CPU collective → evaluate again → summary. Every stage is the
 * real subcommand run in-process; the demo stops with that stage's exit code when one fails.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The whole pipeline on the bundled sample in Spark local mode.")
public final class DemoCommand implements Callable<Integer> {

    static final String SAMPLE = "data-prep/sample/bgwiki-sample-pages-articles-multistream.xml.bz2";
    static final String SAMPLE_INDEX = "data-prep/sample/bgwiki-sample-pages-articles-multistream-index.txt.bz2";
    static final String TOKENIZER = "data-prep/tokenizers/llama2/tokenizer.json";
    static final String CONFIG = "conf/tiny-simcse.json";

    @Option(names = "--work-dir", defaultValue = "target/demo", paramLabel = "DIR",
            description = "Where the demo writes everything. Default: ${DEFAULT-VALUE}")
    Path workDir;

    @Option(names = "--workers", defaultValue = "2", description = "Barrier workers for training. Default: ${DEFAULT-VALUE}")
    int workers;

    @Option(names = "--steps", defaultValue = "30", description = "Training steps. Default: ${DEFAULT-VALUE}")
    int steps;

    @Option(names = "--home", paramLabel = "DIR",
            description = "bg2vec checkout holding data-prep/ and conf/ (default: -Dbg2vec.home or the current directory)")
    Path home;

    @Override
    public Integer call() throws IOException {
        Path root = home != null ? home : Paths.get(System.getProperty("bg2vec.home", "."));
        Path work = root.resolve(workDir).toAbsolutePath().normalize();
        Path prepared = work.resolve("prepared");
        Path model = work.resolve("model");
        Path trained = work.resolve("simcse");
        Path evalBefore = work.resolve("eval-before");
        Path evalAfter = work.resolve("eval");
        String master = "local[" + Math.max(2, workers) + "]";
        Files.createDirectories(work);

        List<Stage> stages = List.of(
                new Stage("prepare the bundled sample dump", "prepare",
                        "--input", root.resolve(SAMPLE).toString(), "--index", root.resolve(SAMPLE_INDEX).toString(),
                        "--tokenizer", root.resolve(TOKENIZER).toString(), "--output", prepared.toString(),
                        "--overwrite", "--shards", "2", "--validation-fraction", "0.3",
                        // passages of up to 64 tokens: more, shorter training samples for the tiny model
                        "--sample-mode", "passage", "--max-seq-length", "64", "--master", master),
                new Stage("init-model: a random tiny Mistral with the Llama-2 tokenizer", "init-model",
                        "--preset", "tiny", "--tokenizer", root.resolve(TOKENIZER).toString(),
                        "--output", model.toString(), "--seed", "42", "--force"),
                new Stage("evaluate the random init", "evaluate", "--model", model.toString(),
                        "--data", prepared.toString(), "--output", evalBefore.toString(), "--max-length", "128",
                        "--master", master),
                new Stage("train SimCSE with " + workers + " barrier workers (CPU collective)", "train",
                        "--config", root.resolve(CONFIG).toString(), "--workers", Integer.toString(workers),
                        "--master", master, "--no-resume",
                        "--set", "model_name_or_path=" + model, "--set", "train_data=" + prepared,
                        "--set", "output_dir=" + trained, "--set", "checkpoint_dir=" + trained.resolve("checkpoints"),
                        "--set", "max_steps=" + steps, "--set", "stop_after_n_steps=" + steps),
                new Stage("evaluate base vs trained", "evaluate", "--model", model.toString(),
                        "--adapter", trained.resolve("adapter").toString(), "--data", prepared.toString(),
                        "--output", evalAfter.toString(), "--max-length", "128", "--master", master));

        long t0 = System.nanoTime();
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            System.out.printf("%n== demo %d/%d: %s%n", i + 1, stages.size(), s.title());
            int code = Main.commandLine().execute(s.args().toArray(String[]::new));
            if (code != 0) {
                System.err.printf("bg2vec demo: stage %d (%s) failed with exit code %d%n", i + 1, s.title(), code);
                return code;
            }
        }
        System.out.printf("%n== demo finished in %.0f s%n%n", (System.nanoTime() - t0) / 1e9);
        System.out.println(ReportMarkdown.render(ReportFiles.read(evalAfter.resolve(ReportFiles.JSON))));
        System.out.println("Outputs:");
        System.out.println("  prepared data   " + prepared + " (manifest.json, train/, validation/, rejects/)");
        System.out.println("  model           " + model);
        System.out.println("  adapter         " + trained.resolve("adapter") + " (PEFT + llm2vec_config.json)");
        System.out.println("  training        " + trained.resolve("metrics.jsonl") + ", " + trained.resolve("loss.png"));
        System.out.println("  evaluation      " + evalAfter + " (eval.json, eval.md, eval.png); random init: " + evalBefore);
        return 0;
    }

    record Stage(String title, List<String> args) {
        Stage(String title, String... args) {
            this(title, new ArrayList<>(List.of(args)));
        }
    }
}
