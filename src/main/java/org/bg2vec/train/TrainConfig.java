package org.bg2vec.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bg2vec.train.data.IndependentCropping;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SimCSE training configuration, validated once at load ({@link TrainConfigReader}).
 *
 * <p>JSON keys are llm2vec's {@code run_simcse.py} / HF {@code TrainingArguments} names (accepted
 * as-is) plus bg2vec's own; conf/README.md documents every key. Defaults follow llm2vec / HF where
 * they exist. Derived values: {@link #globalBatchSize()} is {@code global_batch_size} if given,
 * else {@code per_device_train_batch_size × gradient_accumulation_steps}, else 128.
 *
 * @param microBatchSize        samples per forward pass; 0 when the config says {@code "auto"} (see
 *                              {@link #autoMicroBatch()}): {@link #microBatchSize()} then refuses to answer
 *                              until the memory planner has chosen one ({@link #with})
 * @param gradientCheckpointing llm2vec's {@code gradient_checkpointing}: per-layer recomputation in backward
 * @param gpuMemoryBytes        the memory of one worker's GPU ({@code gpu_memory}) for the memory plan, or
 *                              null (detected where a GPU is visible)
 * @param raw                   the parsed JSON object (saved with each checkpoint)
 */
public record TrainConfig(
        String modelNameOrPath,
        String peftModelNameOrPath,
        boolean bidirectional,
        String poolingMode,
        int maxSeqLength,
        double simcseDropout,
        int loraR,
        int loraAlpha,
        double loraDropout,
        double lossScale,
        double learningRate,
        int globalBatchSize,
        int microBatchSize,
        boolean gradientCheckpointing,
        Long gpuMemoryBytes,
        double numTrainEpochs,
        int maxSteps,
        int stopAfterNSteps,
        int warmupSteps,
        double warmupRatio,
        long seed,
        int saveSteps,
        int loggingSteps,
        int evalSteps,
        int evalBatches,
        String outputDir,
        String checkpointDir,
        int keepCheckpoints,
        String trainData,
        String validationData,
        Precision precision,
        double maxGradNorm,
        double weightDecay,
        double adamBeta1,
        double adamBeta2,
        double adamEpsilon,
        double fp16InitScale,
        int fp16GrowthInterval,
        int workers,
        int maxAttempts,
        int shuffleBufferSize,
        Resume resume,
        IndependentCropping independentCropping,
        ObjectNode raw) {

    /** Numeric precision of the frozen base model; LoRA weights and optimizer state are always fp32. */
    public enum Precision { FP32, FP16 }

    /**
     * Collects the components by name ({@link TrainConfigReader} fills it key by key), so nothing is passed
     * by position except in {@link #build}, where every argument has its component's name.
     */
    static final class Builder {
        String modelNameOrPath;
        String peftModelNameOrPath;
        boolean bidirectional;
        String poolingMode;
        int maxSeqLength;
        double simcseDropout;
        int loraR;
        int loraAlpha;
        double loraDropout;
        double lossScale;
        double learningRate;
        int globalBatchSize;
        int microBatchSize;
        boolean gradientCheckpointing;
        Long gpuMemoryBytes;
        double numTrainEpochs;
        int maxSteps;
        int stopAfterNSteps;
        int warmupSteps;
        double warmupRatio;
        long seed;
        int saveSteps;
        int loggingSteps;
        int evalSteps;
        int evalBatches;
        String outputDir;
        String checkpointDir;
        int keepCheckpoints;
        String trainData;
        String validationData;
        Precision precision;
        double maxGradNorm;
        double weightDecay;
        double adamBeta1;
        double adamBeta2;
        double adamEpsilon;
        double fp16InitScale;
        int fp16GrowthInterval;
        int workers;
        int maxAttempts;
        int shuffleBufferSize;
        Resume resume;
        IndependentCropping independentCropping;
        ObjectNode raw;

        TrainConfig build() {
            return new TrainConfig(modelNameOrPath, peftModelNameOrPath, bidirectional, poolingMode, maxSeqLength,
                    simcseDropout, loraR, loraAlpha, loraDropout, lossScale, learningRate, globalBatchSize,
                    microBatchSize, gradientCheckpointing, gpuMemoryBytes, numTrainEpochs, maxSteps, stopAfterNSteps,
                    warmupSteps, warmupRatio, seed, saveSteps, loggingSteps, evalSteps, evalBatches, outputDir,
                    checkpointDir, keepCheckpoints, trainData, validationData, precision, maxGradNorm, weightDecay,
                    adamBeta1, adamBeta2, adamEpsilon, fp16InitScale, fp16GrowthInterval, workers, maxAttempts,
                    shuffleBufferSize, resume, independentCropping, raw);
        }
    }

    /** Parses and validates a JSON config (see {@link TrainConfigReader} for the rules). */
    public static TrainConfig parse(String json) {
        return TrainConfigReader.parse(json);
    }

    /** Reads, parses and validates a local JSON config file. */
    public static TrainConfig load(Path file) throws IOException {
        try {
            return parse(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** This config with one key replaced (e.g. a command-line override), validated again. */
    public TrainConfig with(String key, Object value) {
        ObjectNode copy = raw.deepCopy();
        copy.putPOJO(key, value);
        return TrainConfigReader.parse(copy);
    }

    /** Whether {@code micro_batch_size} is {@code "auto"}: the largest that fits, chosen by the memory planner. */
    public boolean autoMicroBatch() {
        return microBatchSize == 0;
    }

    /** Samples per forward pass (GradCache micro-batch). */
    @Override
    public int microBatchSize() {
        if (microBatchSize == 0) {
            throw new IllegalStateException("micro_batch_size is \"auto\" and was not resolved: the train"
                    + " pre-flight chooses it from the memory plan (org.bg2vec.plan.MemoryPlanner)");
        }
        return microBatchSize;
    }
}
