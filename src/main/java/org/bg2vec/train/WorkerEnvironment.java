package org.bg2vec.train;

import org.apache.hadoop.conf.Configuration;
import org.bg2vec.djl.ComputeDevice;

/**
 * What a training worker gets from where it runs, besides its config and collective: the Hadoop configuration
 * (data, checkpoints, outputs) and the device its task was given ({@link org.bg2vec.djl.DeviceDecision}).
 */
public record WorkerEnvironment(Configuration hadoop, ComputeDevice device) {

    /** A worker on the CPU with {@code hadoop} (tests, benchmarks, in-process runs). */
    public static WorkerEnvironment cpu(Configuration hadoop) {
        return new WorkerEnvironment(hadoop, ComputeDevice.cpu());
    }
}
