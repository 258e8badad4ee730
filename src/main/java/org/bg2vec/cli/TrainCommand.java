package org.bg2vec.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.bg2vec.djl.DeviceRequest;
import org.bg2vec.plan.Objective;
import org.bg2vec.spark.TrainJob;
import org.bg2vec.spark.TrainingFailedException;
import org.bg2vec.spark.WorkerFunction;
import org.bg2vec.train.Resume;
import org.bg2vec.train.TrainConfig;
import org.bg2vec.train.TrainingWorker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"SimCSE LoRA training as a Spark barrier stage: one worker per task (per GPU executor),"
                + " gradients summed through a CPU (TCP) or NCCL collective.",
                "Writes the adapter, metrics.jsonl, worker-metrics.jsonl and loss.png to output_dir; retries a failed"
                        + " stage up to max_attempts times, resuming from the last checkpoint."})
public class TrainCommand implements Callable<Integer> {

    /** Exit code for configuration problems: found before Spark starts, or a permanent failure in training. */
    static final int CONFIG_ERROR = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Option(names = "--config", required = true, paramLabel = "JSON", description = "training config (see conf/README.md)")
    Path config;

    @Option(names = "--workers", paramLabel = "N",
            description = "data-parallel workers = barrier tasks (default: the config's 'workers')")
    Integer workers;

    @CommandLine.Mixin
    SparkOptions spark = new SparkOptions();

    @Option(names = "--resume", negatable = true, paramLabel = "",
            description = "--resume: continue from the latest checkpoint in checkpoint_dir (the default, 'auto');"
                    + " --no-resume: start over ('never'; use a fresh checkpoint_dir)")
    Boolean resume;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a config key (repeatable); VALUE is parsed as JSON, else taken as a string")
    Map<String, String> overrides = new LinkedHashMap<>();

    @CommandLine.Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--collective-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "a collective operation fails when no byte moved for this long; above the largest"
                    + " compute skew between workers (default: ${DEFAULT-VALUE})")
    long collectiveTimeout;

    /** The worker each task runs; tests may replace it. */
    WorkerFunction worker = TrainingWorker::run;
    /** What the worker trains, for the memory plan of the pre-flight. */
    Objective objective = Objective.SIMCSE;

    /** The config file with the command-line overrides applied, validated. */
    TrainConfig trainConfig() throws IOException {
        return readConfig(config, overrides, workers, resume);
    }

    /** {@code config} with {@code --set} overrides, {@code --workers} and {@code --[no-]resume} applied, validated. */
    static TrainConfig readConfig(Path config, Map<String, String> overrides, Integer workers, Boolean resume)
            throws IOException {
        ObjectNode node = readNode(config, overrides, workers, resume);
        try {
            return TrainConfig.parse(node.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(config + (overrides.isEmpty() ? "" : " with --set " + overrides.keySet())
                    + ": " + e.getMessage(), e);
        }
    }

    /** The JSON object of {@code config} with the overrides applied, not yet validated. */
    static ObjectNode readNode(Path config, Map<String, String> overrides, Integer workers, Boolean resume)
            throws IOException {
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("config file " + config + " does not exist");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(Files.readString(config));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(config + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (!(tree instanceof ObjectNode node)) {
            throw new IllegalArgumentException(config + ": the training config must be a JSON object {...}");
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            node.set(e.getKey(), jsonValue(e.getValue()));
        }
        if (workers != null) {
            node.put("workers", workers);
        }
        if (resume != null) {
            node.put("resume", resume ? Resume.AUTO : Resume.NEVER);
        }
        return node;
    }

    private static JsonNode jsonValue(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }

    TrainJob.Options options() {
        DeviceRequest d = device.request();
        if (collectiveTimeout < 1) {
            throw new IllegalArgumentException("--collective-timeout must be >= 1 second, got " + collectiveTimeout);
        }
        TrainJob.Options dflt = TrainJob.Options.defaults();
        return new TrainJob.Options(d, dflt.connectTimeout(), Duration.ofSeconds(collectiveTimeout),
                dflt.barrierTimeout());
    }

    @Override
    public Integer call() {
        PrintWriter err = commandSpec.commandLine().getErr();
        TrainConfig c;
        TrainJob.Options options;
        TrainJob.Checked checked;
        try {
            c = trainConfig();
            options = options();
            String sparkMaster = spark.master != null ? spark.master
                    : System.getProperty("spark.master") != null ? null : "local[" + c.workers() + "]";
            checked = TrainJob.check(sparkMaster, spark.conf, c, objective, options);
        } catch (IllegalArgumentException | IOException e) {
            err.println("bg2vec " + commandSpec.name() + ": " + e.getMessage());
            err.flush();
            return CONFIG_ERROR;
        }
        try {
            TrainJob.Result r = TrainJob.run(checked, options, worker);
            PrintWriter out = commandSpec.commandLine().getOut();
            out.printf("trained %d steps with %d worker(s) in %.1f s (%d attempt(s))%n", r.workers().get(0).steps(),
                    r.workers().size(), r.seconds(), r.attempts());
            out.println("adapter:        " + r.adapterDir());
            out.println("metrics:        " + r.outputDir() + "/metrics.jsonl");
            out.println("worker metrics: " + r.workerMetrics());
            out.println("loss curve:     " + r.outputDir() + "/loss.png");
            out.flush();
            return 0;
        } catch (IllegalArgumentException e) {
            return CliErrors.report(commandSpec, e);
        } catch (TrainingFailedException e) {
            err.println("bg2vec " + commandSpec.name() + ": " + e.getMessage());
            for (int i = 0; i < e.causes().size(); i++) {
                err.println("  attempt " + (i + 1) + ": " + e.causes().get(i));
            }
            err.flush();
            return e.permanent() ? CONFIG_ERROR : CliErrors.EXIT_CODE;
        } catch (IOException e) {
            return CliErrors.report(commandSpec, e);
        }
    }
}
