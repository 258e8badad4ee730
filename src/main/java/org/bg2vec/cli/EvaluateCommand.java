package org.bg2vec.cli;

import org.bg2vec.djl.DeviceRequest;
import org.bg2vec.encode.EmbedderFactories;
import org.bg2vec.model.Pooling;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Retrieval and SimCSE metrics, base vs adapted model, with a report.",
                "Writes eval.json, eval.md and eval.png into --output (any Hadoop path). The texts are embedded as"
                        + " Spark tasks on the executors (one model after the other); the metrics are computed on the"
                        + " driver, which holds 4 x hidden-size bytes per distinct text (16 KiB for a 7B model)."})
public final class EvaluateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Option(names = "--model", required = true, paramLabel = "URI",
            description = "base model directory: any Hadoop path (hdfs:, s3a:, file:; a path without scheme is"
                    + " read from fs.defaultFS)")
    String model;

    @Option(names = "--base-adapter", paramLabel = "URI",
            description = "PEFT adapter merged into the base of both models (e.g. the MNTP adapter the trained"
                    + " adapter was trained on; repeatable, merged in order)")
    List<String> baseAdapters = new ArrayList<>();

    @Option(names = "--adapter", paramLabel = "URI",
            description = "trained LoRA adapter (PEFT format); without it only the base model is evaluated")
    String adapter;

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

    @Option(names = "--max-length", paramLabel = "N",
            description = "maximum tokens per text, BOS and instruction included (default: max_length of the"
                    + " llm2vec_config.json of the last adapter that has one, else of the base model, else 512)")
    Integer maxLength;

    @Option(names = "--pooling", paramLabel = "MODE",
            description = "mean, weighted_mean, eos_token, last_token or bos_token (default: pooling_mode of the"
                    + " adapter's/base model's llm2vec_config.json, else mean)")
    String pooling;

    @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N",
            description = "texts per forward pass (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--max-uniformity-texts", defaultValue = "" + EvalDatasets.DEFAULT_MAX_UNIFORMITY,
            paramLabel = "N", description = "at most N distinct texts enter uniformity (default: ${DEFAULT-VALUE})")
    int maxUniformity;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "D",
            description = "where the executors embed: cpu, gpu or auto (gpu when spark.task.resource.gpu.amount is"
                    + " set; default: ${DEFAULT-VALUE}). On GPUs each task uses the GPU Spark assigned to it or fails")
    String device;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*])")
    String master;

    @Option(names = "--conf", paramLabel = "K=V", description = "extra Spark setting (repeatable)")
    Map<String, String> conf = new LinkedHashMap<>();

    EvaluateSpec spec() {
        if (maxLength != null && maxLength < 2) {
            throw new IllegalArgumentException("--max-length must be >= 2, got " + maxLength);
        }
        return new EvaluateSpec(data, pairs, output, batchSize, maxUniformity, DeviceRequest.parse(device));
    }

    private Pooling poolingMode() {
        return pooling == null ? null : Pooling.parse(pooling);
    }

    @Override
    public Integer call() {
        EvaluateSpec spec;
        List<Evaluation.Model> models = new ArrayList<>();
        try {
            spec = spec();
            models.add(new Evaluation.Model("base", EmbedderFactories.forModel(model, baseAdapters, null, maxLength, poolingMode())));
            if (adapter != null) {
                models.add(new Evaluation.Model("trained",
                        EmbedderFactories.forModel(model, baseAdapters, adapter, maxLength, poolingMode())));
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return CliErrors.report(commandSpec, e);
        }
        try {
            EvalReport report = EvaluateJob.run(master, conf, spec, models);
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
