package org.bg2vec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.eval.Comparison;
import org.bg2vec.eval.EvalReport;
import org.bg2vec.eval.Metric;
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
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code bg2vec demo}: the whole pipeline on the bundled sample dump, offline, in Spark local mode:
 * prepare → init-model (tiny Mistral, real Llama-2 tokenizer) → evaluate the random init → train
 * SimCSE (with asymmetric independent cropping, conf/tiny-simcse.json) with 2 barrier workers and the CPU
 * collective → evaluate again → the table with confidence intervals and verdicts, the training loss, and a
 * plain sentence on whether title → lead retrieval improved significantly. Every stage is the real
 * subcommand run in-process; the demo stops with that stage's exit code when one fails.
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

    @Option(names = "--steps", defaultValue = "200", description = "Training steps. Default: ${DEFAULT-VALUE}")
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
                        // half of the pages for validation: 66 title -> lead queries, enough for the paired
                        // bootstrap to tell a real change from noise; passages of up to 64 tokens: more, shorter
                        // training samples for the tiny model
                        "--overwrite", "--shards", "2", "--validation-fraction", "0.5",
                        "--sample-mode", "passage", "--max-seq-length", "64", "--master", master),
                new Stage("init-model: a random tiny Mistral with the Llama-2 tokenizer", "init-model",
                        "--preset", "tiny", "--tokenizer", root.resolve(TOKENIZER).toString(),
                        "--output", model.toString(), "--seed", "42", "--force"),
                new Stage("evaluate the random init", "evaluate", "--model", model.toString(),
                        "--data", prepared.toString(), "--output", evalBefore.toString(), "--max-length", "128",
                        "--master", master),
                new Stage("train SimCSE (" + CONFIG + ") with " + workers + " barrier workers (CPU collective)", "train",
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
        EvalReport report = ReportFiles.read(evalAfter.resolve(ReportFiles.JSON));
        System.out.println(ReportMarkdown.render(report));
        System.out.println(lossLine(trained.resolve("metrics.jsonl")));
        System.out.println(titleLeadVerdict(report));
        System.out.println();
        System.out.println("Outputs:");
        System.out.println("  prepared data   " + prepared + " (manifest.json, train/, validation/, rejects/)");
        System.out.println("  model           " + model);
        System.out.println("  adapter         " + trained.resolve("adapter") + " (PEFT + llm2vec_config.json)");
        System.out.println("  training        " + trained.resolve("metrics.jsonl") + ", " + trained.resolve("loss.png"));
        System.out.println("  evaluation      " + evalAfter + " (eval.json, eval.md, eval.png); random init: " + evalBefore);
        return 0;
    }

    /** "Training loss: X at step 1, Y at step N (mean of the last 10 steps)." from rank 0's metrics.jsonl. */
    static String lossLine(Path metricsJsonl) throws IOException {
        List<double[]> steps = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(metricsJsonl)) {
            JsonNode n = json.readTree(line);
            if ("train".equals(n.path("type").asText()) && n.has("loss")) {
                steps.add(new double[]{n.path("step").asDouble(), n.path("loss").asDouble()});
            }
        }
        if (steps.isEmpty()) {
            return "Training loss: no steps in " + metricsJsonl;
        }
        List<double[]> last = steps.subList(Math.max(0, steps.size() - 10), steps.size());
        double mean = last.stream().mapToDouble(s -> s[1]).average().orElseThrow();
        return String.format(Locale.ROOT, "Training loss: %.4f at step %.0f, %.4f at step %.0f (mean of the last %d"
                + " steps).", steps.get(0)[1], steps.get(0)[0], mean, steps.get(steps.size() - 1)[0], last.size());
    }

    /**
     * The plain answer to "did training improve title → lead retrieval over the random init?": the paired
     * bootstrap verdict on MRR of the validation dataset.
     */
    static String titleLeadVerdict(EvalReport report) {
        EvalReport.DatasetResult d = report.datasets().stream().filter(r -> r.name().equals("validation"))
                .findFirst().orElse(null);
        Comparison c = d == null ? null : EvalReport.change(d, Metric.MRR);
        if (c == null) {
            return "Title -> lead retrieval: no base vs trained comparison in the report.";
        }
        String numbers = String.format(Locale.ROOT, "MRR %.4f -> %.4f, change %+.4f, %d%% interval [%+.4f, %+.4f],"
                        + " %d queries", EvalReport.value(d, report.models().get(0), Metric.MRR),
                EvalReport.value(d, report.models().get(1), Metric.MRR), c.difference().estimate(),
                Math.round(report.bootstrap().confidence() * 100), c.difference().lower(), c.difference().upper(),
                d.counts().get("queries"));
        return switch (c.verdict()) {
            case BETTER -> "Title -> lead retrieval: the trained model is significantly better than the random init ("
                    + numbers + ").";
            case WORSE -> "Title -> lead retrieval: the trained model is significantly WORSE than the random init ("
                    + numbers + ").";
            case NO_SIGNIFICANT_CHANGE -> "Title -> lead retrieval: training did NOT improve significantly over the"
                    + " random init (" + numbers + "; the interval includes 0).";
        };
    }

    record Stage(String title, List<String> args) {
        Stage(String title, String... args) {
            this(title, new ArrayList<>(List.of(args)));
        }
    }
}
