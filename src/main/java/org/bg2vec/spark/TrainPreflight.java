package org.bg2vec.spark;

import org.apache.hadoop.conf.Configuration;
import org.bg2vec.io.ByteSize;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.plan.MemoryPlan;
import org.bg2vec.plan.MemoryPlanner;
import org.bg2vec.plan.PlanInputs;
import org.bg2vec.plan.PlanReport;
import org.bg2vec.plan.Objective;
import org.bg2vec.plan.PlanRequest;
import org.bg2vec.train.TrainConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, before any task starts, that a barrier training stage of {@code workers} tasks can run.
 * Spark would otherwise retry the barrier slot check for minutes, or run with a broken setup.
 * All problems are reported at once, each with what to change. {@link #checkMemory} plans one worker's
 * memory and refuses a configuration that cannot fit, before a GPU is held.
 */
public final class TrainPreflight {

    private static final Logger LOG = LoggerFactory.getLogger(TrainPreflight.class);

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?])?");

    private TrainPreflight() {
    }

    /** What the check needs to know; {@code conf} is the Spark configuration as key → value. */
    public record Setup(String master, Map<String, String> conf, int workers, boolean gpu, int availableProcessors) {
    }

    /** Throws {@link IllegalArgumentException} listing every problem; returns quietly when all is well. */
    public static void check(Setup s) {
        List<String> problems = problems(s);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot start distributed training:\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    static List<String> problems(Setup s) {
        List<String> p = new ArrayList<>();
        Map<String, String> c = s.conf();
        if (s.workers() < 1) {
            p.add("workers must be at least 1, got " + s.workers());
            return p;
        }
        if (Boolean.parseBoolean(c.getOrDefault("spark.dynamicAllocation.enabled", "false"))) {
            p.add("spark.dynamicAllocation.enabled=true: barrier stages need static executors;"
                    + " set --conf spark.dynamicAllocation.enabled=false");
        }
        int taskCpus = Integer.parseInt(c.getOrDefault("spark.task.cpus", "1"));
        Matcher m = LOCAL.matcher(s.master() == null ? "" : s.master().strip());
        if (m.matches()) {
            int slots = m.group(1) == null ? 1
                    : m.group(1).equals("*") ? s.availableProcessors() : Integer.parseInt(m.group(1));
            int needed = s.workers() * taskCpus;
            if (slots < needed) {
                p.add(s.master() + " has " + slots + " task slot(s) but " + s.workers() + " barrier worker(s) × "
                        + "spark.task.cpus=" + taskCpus + " need " + needed + "; use --master local[" + needed
                        + "] or fewer --workers");
            }
        } else {
            String instances = c.get("spark.executor.instances");
            String cores = c.get("spark.executor.cores");
            if (instances != null && cores != null) {
                int slots = Integer.parseInt(instances) * (Integer.parseInt(cores) / taskCpus);
                if (slots < s.workers()) {
                    p.add("spark.executor.instances=" + instances + " × (spark.executor.cores=" + cores
                            + " / spark.task.cpus=" + taskCpus + ") = " + slots + " slot(s) < " + s.workers()
                            + " workers; raise spark.executor.instances or lower --workers");
                }
            }
        }
        if (s.gpu()) {
            String task = c.get("spark.task.resource.gpu.amount");
            String exec = c.get("spark.executor.resource.gpu.amount");
            if (task == null || exec == null) {
                p.add("training on GPU needs spark.executor.resource.gpu.amount and spark.task.resource.gpu.amount"
                        + " (1 GPU per task) and a discovery script; see conf/spark-gpu.conf");
            } else if (Double.parseDouble(task) != 1.0) {
                p.add("spark.task.resource.gpu.amount=" + task + ": one worker per GPU needs exactly 1");
            }
        }
        return p;
    }

    /**
     * The memory pre-flight. Plans one worker's memory ({@link MemoryPlanner}) from the model's
     * {@code config.json} (read through Hadoop: local path or URI) and the training config, against
     * {@code gpu_memory}, else the GPU this machine sees (on the CPU: the physical memory shared by the local
     * workers). A configuration that cannot fit is refused with the plan and the micro-batch that would fit;
     * {@code micro_batch_size: "auto"} becomes the largest divisor of the slice that fits. Returns the config
     * to train with. Without a readable {@code config.json} or a known memory size the check is skipped with a
     * warning, unless the micro-batch is "auto", which then cannot be chosen.
     */
    public static TrainConfig checkMemory(Objective objective, TrainConfig config, boolean gpu, boolean local,
                                          Configuration hadoop) {
        boolean auto = config.autoMicroBatch();
        Long capacity = config.gpuMemoryBytes() != null ? config.gpuMemoryBytes() : gpu ? PlanInputs.detectedGpuMemory()
                : local && PlanInputs.physicalMemory() != null ? PlanInputs.physicalMemory() / config.workers() : null;
        MistralConfig model;
        try {
            if (config.modelNameOrPath() == null || config.modelNameOrPath().isBlank()) {
                throw new IOException("model_name_or_path is not set");
            }
            model = PlanInputs.modelConfig(config.modelNameOrPath(), hadoop);
        } catch (IOException | IllegalArgumentException e) {
            return skip(config, auto, "the model's config.json is needed: " + e.getMessage());
        }
        if (capacity == null) {
            return skip(config, auto, "set gpu_memory (e.g. \"40GiB\") to check the plan before a GPU is held");
        }
        long mntp = PlanInputs.mntpParameters(config, model, hadoop, why -> LOG.warn("memory plan: {}", why));
        PlanRequest base = PlanRequest.of(config, model, 1, mntp, gpu, objective);
        boolean recompute = config.gradientCheckpointing();
        if (auto) {
            int b = MemoryPlanner.autoMicroBatch(base, recompute, capacity);
            if (b == 0) {
                throw new IllegalArgumentException(doesNotFit(base, recompute, capacity, "even micro_batch_size 1"));
            }
            LOG.info("micro_batch_size \"auto\": {} (the largest divisor of the {}-sample slice that fits {};"
                    + " gradient_checkpointing {})", b, base.slice(), ByteSize.format(capacity), recompute);
            config = config.with("micro_batch_size", b);
        }
        PlanRequest request = base.withMicroBatch(config.microBatchSize());
        MemoryPlan plan = MemoryPlanner.plan(request, recompute);
        if (!plan.fits(capacity)) {
            throw new IllegalArgumentException(doesNotFit(request, recompute, capacity,
                    "micro_batch_size " + request.microBatch()));
        }
        LOG.info("memory plan per worker: {} of {} at micro_batch_size {} (gradient_checkpointing {})",
                ByteSize.format(plan.peak()), ByteSize.format(capacity), request.microBatch(), recompute);
        return config;
    }

    private static TrainConfig skip(TrainConfig config, boolean auto, String why) {
        if (auto) {
            throw new IllegalArgumentException("micro_batch_size \"auto\" needs the memory plan: " + why);
        }
        LOG.warn("memory plan not checked: {}", why);
        return config;
    }

    private static String doesNotFit(PlanRequest r, boolean recompute, long capacity, String what) {
        int off = MemoryPlanner.autoMicroBatch(r, false, capacity);
        int on = MemoryPlanner.autoMicroBatch(r, true, capacity);
        String fix = off > 0 || on > 0
                ? "micro_batch_size " + (recompute ? on : off) + " fits (gradient_checkpointing " + recompute + ")"
                        + (recompute || on == 0 ? "" : ", or " + on + " with gradient_checkpointing true")
                        + "; set it, or micro_batch_size \"auto\""
                : r.objective().trainLmHead() ? "nothing fits: set lm_head \"frozen\" (the trained head's values,"
                        + " gradients and AdamW state are on the GPU), or use a GPU with more memory"
                : "nothing fits: use a GPU with more memory";
        return "the training does not fit " + ByteSize.format(capacity) + " per worker with " + what
                + " (gradient_checkpointing " + recompute + "): " + fix + ".\n"
                + PlanReport.format(r, List.of(capacity));
    }
}
