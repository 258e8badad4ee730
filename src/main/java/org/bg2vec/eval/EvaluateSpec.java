package org.bg2vec.eval;

import org.bg2vec.djl.DeviceRequest;

/**
 * What the {@code evaluate} command reads and writes.
 *
 * @param data          a prepared data directory (manifest.json + validation/*.parquet) or a pair/triplet file
 * @param pairs         an extra pair/triplet file, or null
 * @param output        directory (any Hadoop path) for eval.json, eval.md, eval.png
 * @param batchSize     texts per forward pass
 * @param maxUniformity at most this many distinct texts enter uniformity (it costs n² distances)
 * @param maxHalves     prepared data: at most this many queries in the passage-halves task (0: no such task)
 * @param bootstrap     how the confidence intervals are drawn
 * @param device        where the executors embed: cpu, gpu or auto
 */
public record EvaluateSpec(String data, String pairs, String output, int batchSize, int maxUniformity,
                           int maxHalves, Bootstrap bootstrap, DeviceRequest device) {

    public EvaluateSpec {
        if (data == null || data.isBlank()) {
            throw new IllegalArgumentException("--data is required");
        }
        if (output == null || output.isBlank()) {
            throw new IllegalArgumentException("--output is required");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (device == null) {
            throw new IllegalArgumentException("a device request (cpu, gpu, auto) is required");
        }
        if (maxUniformity < 2) {
            throw new IllegalArgumentException("the uniformity sample must be >= 2, got " + maxUniformity);
        }
        if (maxHalves < 0) {
            throw new IllegalArgumentException("the passage-halves queries must be >= 0 (0: off), got " + maxHalves);
        }
        if (bootstrap == null) {
            throw new IllegalArgumentException("the bootstrap settings are required");
        }
    }

    /** Default passage-halves size and bootstrap. */
    public EvaluateSpec(String data, String pairs, String output, int batchSize, int maxUniformity,
                        DeviceRequest device) {
        this(data, pairs, output, batchSize, maxUniformity, EvalDatasets.DEFAULT_MAX_HALVES, Bootstrap.defaults(),
                device);
    }
}
