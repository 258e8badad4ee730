package org.bg2vec.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.djl.DeviceDecision;
import org.bg2vec.djl.GpuProbe;
import org.bg2vec.djl.GpuUnavailableException;

import java.util.List;
import java.util.Map;

/**
 * The device of a running task (train, encode, evaluate): the first address of the task's Spark {@code gpu}
 * resource when the job wants GPUs, handed to {@link DeviceDecision} (which maps it to a CUDA ordinal and fails
 * when it cannot be used). In local mode Spark assigns no resources: task {@code partitionId} then takes GPU
 * {@code partitionId % visible}. On a cluster a GPU job without a {@code gpu} resource is an error.
 */
final class GpuAssignment {

    private GpuAssignment() {
    }

    /** The device of the task running in this thread. */
    static ComputeDevice forTask(TaskContext ctx, boolean wantGpu, boolean localMode, boolean needNccl, String who) {
        return choose(wantGpu, gpuAddresses(ctx), localMode, ctx.partitionId(), needNccl, who,
                GpuProbe.forThisProcess());
    }

    /**
     * @param wantGpu       whether the job runs on GPUs (the driver's resolved --device)
     * @param taskAddresses the task's {@code gpu} resource addresses (empty or null if none)
     * @param localMode     whether Spark runs in local mode
     * @param partitionId   the task's partition id (its rank in training)
     * @throws GpuUnavailableException when a GPU is wanted but none can be used
     */
    static ComputeDevice choose(boolean wantGpu, String[] taskAddresses, boolean localMode, int partitionId,
                                boolean needNccl, String who, GpuProbe probe) {
        if (!wantGpu) {
            return ComputeDevice.cpu();
        }
        String address = taskAddresses != null && taskAddresses.length > 0 ? taskAddresses[0] : null;
        if (address == null && !localMode) {
            throw new GpuUnavailableException(who + " on host " + probe.host(), List.of("Spark assigned no 'gpu'"
                    + " resource to this task: set spark.executor.resource.gpu.amount=1,"
                    + " spark.task.resource.gpu.amount=1 and a discovery script (conf/spark-gpu.conf)"));
        }
        return DeviceDecision.decide(true, address, partitionId, needNccl, who, probe);
    }

    /** The task's Spark "gpu" resource addresses, or null. */
    static String[] gpuAddresses(TaskContext ctx) {
        Map<String, ResourceInformation> resources = ctx.resourcesJMap();
        ResourceInformation gpu = resources == null ? null : resources.get("gpu");
        return gpu == null ? null : gpu.addresses();
    }
}
