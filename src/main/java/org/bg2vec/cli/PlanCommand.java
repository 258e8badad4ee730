package org.bg2vec.cli;

import org.apache.hadoop.conf.Configuration;
import org.bg2vec.io.ByteSize;
import org.bg2vec.mntp.MntpConfig;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.plan.Objective;
import org.bg2vec.plan.PlanInputs;
import org.bg2vec.plan.PlanReport;
import org.bg2vec.plan.PlanRequest;
import org.bg2vec.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bg2vec plan}: the memory plan of a training config, before any GPU is held. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Print the memory of one training worker for a training config: base weights, LoRA, activations"
                + " per micro-batch (recomputation off and on), GradCache (SimCSE) or the LM head and its logits"
                + " (MNTP), collective buffers, the CUDA reserve,"
                + " and for each --gpu-memory whether it fits and the largest micro_batch_size that does.",
                "Reads only config.json of the model (and adapter_config.json of the MNTP adapter); no GPU needed.",
                "Example: bg2vec plan --config conf/bg2vec-simcse.json --model-config"
                        + " conf/models/bggpt-7b/config.json --gpu-memory 22.5GiB --gpu-memory 40GiB --gpu-memory 80GiB"})
public final class PlanCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "JSON", description = "training config (conf/README.md)")
    Path config;

    @Option(names = "--model-config", paramLabel = "FILE",
            description = "the model's config.json (default: model_name_or_path/config.json of the training config)")
    Path modelConfig;

    @Option(names = "--gpu-memory", paramLabel = "SIZE",
            description = "GPU memory to check against, e.g. 40GiB (repeatable; default: the config's gpu_memory, else"
                    + " the memory of the GPU this machine sees, if any)")
    List<String> gpuMemory = new ArrayList<>();

    @Option(names = "--micro-batch", paramLabel = "N",
            description = "plan this micro_batch_size instead of the config's")
    Integer microBatch;

    @Option(names = "--workers", paramLabel = "N", description = "data-parallel workers (default: the config's)")
    Integer workers;

    @Option(names = "--device", defaultValue = "gpu", paramLabel = "D",
            description = "gpu (the default) or cpu (the plan of a CPU worker's native memory)")
    String device;

    @Option(names = "--objective", defaultValue = "auto", paramLabel = "O",
            description = "simcse, mntp, or auto (the default: mntp when the config sets any of MNTP's keys, e.g."
                    + " lm_head or mlm_probability)")
    String objective;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key (repeatable)")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            boolean mntp = switch (objective.strip().toLowerCase(Locale.ROOT)) {
                case "auto" -> MntpConfig.declares(TrainCommand.readNode(config, overrides, workers, null));
                case "mntp" -> true;
                case "simcse" -> false;
                default -> throw new IllegalArgumentException("--objective must be simcse, mntp or auto, got '"
                        + objective + "'");
            };
            MntpConfig m = mntp ? MntpCommand.readMntpConfig(config, overrides, workers, null) : null;
            TrainConfig c = mntp ? m.train() : TrainCommand.readConfig(config, overrides, workers, null);
            Objective planned = mntp ? m.mntp().planObjective() : Objective.SIMCSE;
            boolean gpu = switch (device.strip().toLowerCase(Locale.ROOT)) {
                case "gpu" -> true;
                case "cpu" -> false;
                default -> throw new IllegalArgumentException("--device must be gpu or cpu, got '" + device + "'");
            };
            Configuration hadoop = new Configuration();
            MistralConfig model = modelConfig != null ? MistralConfig.load(modelConfig)
                    : PlanInputs.modelConfig(requireModel(c), hadoop);
            int micro = microBatch != null ? microBatch : c.autoMicroBatch() ? 1 : c.microBatchSize();
            if (micro < 1) {
                throw new IllegalArgumentException("--micro-batch must be >= 1, got " + micro);
            }
            long merged = PlanInputs.mntpParameters(c, model, hadoop,
                    why -> spec.commandLine().getErr().println("bg2vec plan: " + why));
            PlanRequest request = PlanRequest.of(c, model, micro, merged, gpu, planned);
            out.print(PlanReport.format(request, capacities(c)));
            if (c.autoMicroBatch() && microBatch == null) {
                out.println("(the config's micro_batch_size is \"auto\": the table shows micro-batch 1)");
            }
            out.flush();
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            return CliErrors.report(spec, e);
        }
    }

    private static String requireModel(TrainConfig c) {
        if (c.modelNameOrPath() == null || c.modelNameOrPath().isBlank()) {
            throw new IllegalArgumentException("model_name_or_path is not set: give --model-config config.json");
        }
        return c.modelNameOrPath();
    }

    private List<Long> capacities(TrainConfig c) {
        List<Long> out = new ArrayList<>();
        for (String g : gpuMemory) {
            out.add(ByteSize.parse(g));
        }
        if (out.isEmpty() && c.gpuMemoryBytes() != null) {
            out.add(c.gpuMemoryBytes());
        }
        if (out.isEmpty()) {
            Long detected = PlanInputs.detectedGpuMemory();
            if (detected != null) {
                out.add(detected);
            }
        }
        return out;
    }
}
