package org.bg2vec.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, before any task starts, that a barrier training stage of {@code workers} tasks can run.
 * Spark would otherwise retry the barrier slot check for minutes, or run with a broken setup.
 * All problems are reported at once, each with what to change.
 */
public final class TrainPreflight {

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?])?");

    private TrainPreflight() {
    }

    /** What the check needs to know; {@code conf} is the Spark configuration as key → value. */
    public record Setup(String master, Map<String, String> conf, int workers, int globalBatchSize,
                        int microBatchSize, boolean gpu, int availableProcessors) {
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
        if (s.globalBatchSize() % s.workers() != 0) {
            p.add("global_batch_size " + s.globalBatchSize() + " is not divisible by " + s.workers()
                    + " workers; choose a multiple of the worker count");
        } else if ((s.globalBatchSize() / s.workers()) % s.microBatchSize() != 0) {
            p.add("each worker's slice of " + (s.globalBatchSize() / s.workers()) + " samples is not divisible by"
                    + " micro_batch_size " + s.microBatchSize() + "; micro-batches must tile the slice so that"
                    + " W workers compute the same model as 1");
        }
        return p;
    }
}
