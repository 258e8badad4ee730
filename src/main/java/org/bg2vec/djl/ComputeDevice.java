package org.bg2vec.djl;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

/**
 * The device a task's model runs on, as decided by {@link DeviceDecision}: the CPU, or one CUDA device with the
 * Spark GPU address it came from. Serializable and value-equal, so it can key per-JVM caches.
 *
 * @param cudaOrdinal  the CUDA device ordinal, or -1 for the CPU
 * @param sparkAddress the GPU address Spark assigned to the task, or null (CPU, or local mode without resources)
 */
public record ComputeDevice(int cudaOrdinal, String sparkAddress) implements java.io.Serializable {

    /** Prefix of the one log line every worker writes about its device (checked by submit/gpu-smoke.sh). */
    public static final String LOG_PREFIX = "bg2vec device: ";

    private static final ComputeDevice CPU = new ComputeDevice(-1, null);

    public ComputeDevice {
        if (cudaOrdinal < -1) {
            throw new IllegalArgumentException("CUDA ordinal must be >= 0 (or -1 for the CPU), got " + cudaOrdinal);
        }
    }

    public static ComputeDevice cpu() {
        return CPU;
    }

    public static ComputeDevice gpu(int cudaOrdinal, String sparkAddress) {
        if (cudaOrdinal < 0) {
            throw new IllegalArgumentException("CUDA ordinal must be >= 0, got " + cudaOrdinal);
        }
        return new ComputeDevice(cudaOrdinal, sparkAddress);
    }

    public boolean isGpu() {
        return cudaOrdinal >= 0;
    }

    /** The DJL device. */
    public Device djl() {
        return isGpu() ? Device.gpu(cudaOrdinal) : Device.cpu();
    }

    /** The element type of a frozen base model in inference: float16 on a GPU, float32 on the CPU. */
    public DataType inferenceType() {
        return isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
    }

    /**
     * The fixed-format line a worker logs about where its model actually runs, e.g.
     * {@code bg2vec device: rank 0 trains on gpu(3) [float16] (Spark GPU address 3)}.
     *
     * @param who  e.g. {@code rank 0}, {@code encode task 4}
     * @param verb e.g. {@code trains}, {@code embeds}
     */
    public String logLine(String who, String verb, DataType type) {
        return LOG_PREFIX + who + " " + verb + " on " + this + " [" + type + "]"
                + (sparkAddress == null ? "" : " (Spark GPU address " + sparkAddress + ")");
    }

    /** {@code gpu(3)} or {@code cpu()}, as DJL names devices. */
    @Override
    public String toString() {
        return djl().toString();
    }
}
