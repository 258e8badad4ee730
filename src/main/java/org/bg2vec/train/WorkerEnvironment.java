package org.bg2vec.train;

import org.apache.hadoop.conf.Configuration;
import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.modelstore.ModelStore;

/**
 * What a training worker gets from where it runs, besides its config and collective: the Hadoop configuration
 * (data, checkpoints, outputs), the device its task was given ({@link org.bg2vec.djl.DeviceDecision}) and the
 * model store that turns {@code model_name_or_path}/{@code peft_model_name_or_path} URIs into local directories.
 */
public record WorkerEnvironment(Configuration hadoop, ComputeDevice device, ModelStore models) {

    /** A worker on the CPU with {@code hadoop} and the default model cache (tests, benchmarks, in-process runs). */
    public static WorkerEnvironment cpu(Configuration hadoop) {
        return new WorkerEnvironment(hadoop, ComputeDevice.cpu(), ModelStore.withDefaults(hadoop));
    }
}
