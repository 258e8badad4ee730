package org.bg2vec.djl;

import java.util.Locale;
import java.util.Map;

/**
 * Where a job asks to run its models: {@code --device cpu|gpu|auto} of train, encode and evaluate. {@code auto}
 * means GPU exactly when the Spark configuration gives every task a GPU ({@code spark.task.resource.gpu.amount}
 * set and above 0), and CPU otherwise. Resolved once, on the driver; the tasks then either get the GPU they were
 * assigned or fail ({@link DeviceDecision}), never fall back to the CPU.
 */
public enum DeviceRequest {
    CPU, GPU, AUTO;

    /** The Spark setting that makes {@code auto} mean GPU. */
    public static final String TASK_GPU_AMOUNT = "spark.task.resource.gpu.amount";

    /** The request resolved against a Spark configuration, with the reason in words (for one log line). */
    public record Resolved(boolean gpu, String reason) implements java.io.Serializable {
    }

    /** Parses {@code cpu}, {@code gpu} or {@code auto} (any case). */
    public static DeviceRequest parse(String text) {
        String t = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
        for (DeviceRequest d : values()) {
            if (d.name().equals(t)) {
                return d;
            }
        }
        throw new IllegalArgumentException("--device must be cpu, gpu or auto, got '" + text + "'");
    }

    /** GPU or CPU under {@code sparkConf} (the driver's Spark configuration as key → value). */
    public Resolved resolve(Map<String, String> sparkConf) {
        return switch (this) {
            case CPU -> new Resolved(false, "--device cpu");
            case GPU -> new Resolved(true, "--device gpu");
            case AUTO -> {
                String amount = sparkConf.get(TASK_GPU_AMOUNT);
                boolean gpu = amount != null && !amount.isBlank() && Double.parseDouble(amount.strip()) > 0;
                yield new Resolved(gpu, gpu ? "--device auto and " + TASK_GPU_AMOUNT + "=" + amount.strip()
                        : "--device auto and no " + TASK_GPU_AMOUNT + " in the Spark configuration: CPU"
                        + " (use conf/spark-gpu.conf or --device gpu for GPUs)");
            }
        };
    }
}
