package org.bg2vec.cli;

import org.bg2vec.djl.DeviceRequest;
import picocli.CommandLine.Option;

/** {@code --device cpu|gpu|auto} of train, encode and evaluate (a picocli mixin). */
final class DeviceOption {

    @Option(names = "--device", defaultValue = "auto", paramLabel = "D",
            description = "cpu, gpu or auto (gpu when spark.task.resource.gpu.amount is set; default: ${DEFAULT-VALUE})."
                    + " On GPUs each task uses the GPU Spark assigned to it or fails saying why; nothing falls back"
                    + " to the CPU")
    String device;

    /** @throws IllegalArgumentException for anything but cpu, gpu, auto */
    DeviceRequest request() {
        return DeviceRequest.parse(device);
    }
}
