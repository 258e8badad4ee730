package org.bg2vec.plan;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.bg2vec.model.LoraConfig;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.train.TrainConfig;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the planner reads before training: the base model's {@code config.json} and the MNTP adapter's
 * {@code adapter_config.json} (local paths or any Hadoop URI; nothing else of the model is read), and the
 * memory of the GPU this process sees.
 */
public final class PlanInputs {

    private PlanInputs() {
    }

    /** {@code <modelNameOrPath>/config.json}; errors name the file. */
    public static MistralConfig modelConfig(String modelNameOrPath, Configuration hadoop) throws IOException {
        return read(modelNameOrPath, "config.json", hadoop, MistralConfig::fromJson);
    }

    /** The values of the adapter in {@code adapterDir} on {@code model}'s projections. */
    public static long adapterParameters(String adapterDir, MistralConfig model, Configuration hadoop)
            throws IOException {
        return MemoryPlanner.loraParameters(model, read(adapterDir, LoraConfig.FILE, hadoop, LoraConfig::fromJson));
    }

    /**
     * The values of {@code config}'s MNTP adapter ({@code peft_model_name_or_path}; 0 without one), from its
     * {@code adapter_config.json}; if that cannot be read, an adapter of rank {@code lora_r} on every projection
     * is assumed and {@code warn} is told why.
     */
    public static long mntpParameters(TrainConfig config, MistralConfig model, Configuration hadoop,
                                      Consumer<String> warn) {
        String adapter = config.peftModelNameOrPath();
        if (adapter == null || adapter.isBlank()) {
            return 0;
        }
        try {
            return adapterParameters(adapter, model, hadoop);
        } catch (IOException | IllegalArgumentException e) {
            warn.accept(e.getMessage() + "; assuming an MNTP adapter of r " + config.loraR() + " on every projection");
            return MemoryPlanner.loraParameters(model, config.loraR());
        }
    }

    /** The total memory of the first GPU this process sees, or null when it sees none. */
    public static Long detectedGpuMemory() {
        try {
            return CudaUtils.getGpuCount() > 0 ? CudaUtils.getGpuMemory(Device.gpu(0)).getMax() : null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The physical memory of this machine, or null if the JVM cannot tell. */
    public static Long physicalMemory() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return null;
    }

    private static <T> T read(String dir, String name, Configuration hadoop, Function<JsonNode, T> parse)
            throws IOException {
        Path file = new Path(dir, name);
        JsonNode json;
        try (FSDataInputStream in = file.getFileSystem(hadoop).open(file)) {
            json = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse.apply(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
