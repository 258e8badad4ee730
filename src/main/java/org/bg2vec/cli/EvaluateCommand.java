package org.bg2vec.cli;

import org.bg2vec.eval.Bootstrap;
import org.bg2vec.eval.EvalDatasets;
import org.bg2vec.eval.EvalReport;
import org.bg2vec.eval.EvaluateSpec;
import org.bg2vec.eval.Evaluation;
import org.bg2vec.eval.ReportFiles;
import org.bg2vec.eval.ReportMarkdown;
import org.bg2vec.spark.EvaluateJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Retrieval and SimCSE metrics, base vs adapted model, with 95% bootstrap intervals and verdicts.",
                "Writes eval.json, eval.md and eval.png into --output (any Hadoop path). The texts are embedded as"
                        + " Spark tasks on the executors (one model after the other); the metrics are computed on the"
                        + " driver, which holds 4 x hidden-size bytes per distinct text (16 KiB for a 7B model)."})
public final class EvaluateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    @CommandLine.Mixin
    ModelOptions models = new ModelOptions();

    @Option(names = "--data", required = true, paramLabel = "PATH",
            description = "prepared data directory (manifest.json + validation/), or a Parquet/JSONL/CSV file of "
                    + "pairs or triplets (columns query, positive[, negative])")
    String data;

    @Option(names = "--pairs", paramLabel = "PATH",
            description = "an extra pair/triplet file evaluated as its own dataset")
    String pairs;

    @Option(names = "--output", required = true, paramLabel = "DIR",
            description = "report directory, any Hadoop path (eval.json, eval.md and eval.png are replaced)")
    String output;

    @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N",
            description = "texts per forward pass (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--max-uniformity-texts", defaultValue = "" + EvalDatasets.DEFAULT_MAX_UNIFORMITY,
            paramLabel = "N", description = "at most N distinct texts enter uniformity (default: ${DEFAULT-VALUE})")
    int maxUniformity;

    @CommandLine.Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--max-halves-queries", defaultValue = "" + EvalDatasets.DEFAULT_MAX_HALVES, paramLabel = "N",
            description = "prepared data: at most N queries in the passage-halves task (first half of a validation "
                    + "text -> its second half); 0 turns it off (default: ${DEFAULT-VALUE})")
    int maxHalves;

    @Option(names = "--bootstrap-resamples", defaultValue = "" + Bootstrap.DEFAULT_RESAMPLES, paramLabel = "B",
            description = "resamples of the bootstrap confidence intervals (default: ${DEFAULT-VALUE})")
    int resamples;

    @Option(names = "--bootstrap-seed", defaultValue = "" + Bootstrap.DEFAULT_SEED, paramLabel = "S",
            description = "seed of the bootstrap resamples (default: ${DEFAULT-VALUE})")
    long bootstrapSeed;

    @CommandLine.Mixin
    SparkOptions spark = new SparkOptions();

    EvaluateSpec spec() {
        return new EvaluateSpec(data, pairs, output, batchSize, maxUniformity, maxHalves,
                new Bootstrap(resamples, bootstrapSeed, Bootstrap.DEFAULT_CONFIDENCE), device.request());
    }

    @Override
    public Integer call() {
        EvaluateSpec spec;
        List<Evaluation.Model> evaluated = new ArrayList<>();
        try {
            spec = spec();
            evaluated.add(new Evaluation.Model("base", models.factory(false)));
            if (models.adapter != null) {
                evaluated.add(new Evaluation.Model("trained", models.factory(true)));
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return CliErrors.report(commandSpec, e);
        }
        try {
            EvalReport report = EvaluateJob.run(spark.master, spark.conf, spec, evaluated);
            commandSpec.commandLine().getOut().print(ReportMarkdown.render(report));
            commandSpec.commandLine().getOut().printf("%nreport: %s/{%s,%s,%s}%n", spec.output(), ReportFiles.JSON,
                    ReportFiles.MARKDOWN, ReportFiles.PNG);
            commandSpec.commandLine().getOut().flush();
            return 0;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            return CliErrors.report(commandSpec, e);
        }
    }
}
