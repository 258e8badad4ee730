package org.bg2vec.spark;

/**
 * Which GPU a training task uses: the first address of the task's Spark {@code gpu} resource when Spark
 * assigned one (cluster mode with GPU scheduling); in local mode, where Spark assigns no resources,
 * partition id modulo the number of visible GPUs; none on CPU.
 */
final class GpuAssignment {

    private GpuAssignment() {
    }

    /**
     * @param wantGpu       whether the job trains on GPUs
     * @param taskAddresses the task's {@code gpu} resource addresses (empty or null if none)
     * @param localMode     whether Spark runs in local mode
     * @param partitionId   the task's partition id (its rank)
     * @param visibleGpus   GPUs this process sees (only used in local mode)
     * @return the GPU address, or null on CPU
     * @throws IllegalStateException when a GPU is wanted but none can be assigned
     */
    static String choose(boolean wantGpu, String[] taskAddresses, boolean localMode, int partitionId,
                         int visibleGpus) {
        if (!wantGpu) {
            return null;
        }
        if (taskAddresses != null && taskAddresses.length > 0) {
            return taskAddresses[0];
        }
        if (localMode) {
            if (visibleGpus <= 0) {
                throw new IllegalStateException("training on GPU in local mode, but this process sees no GPU"
                        + " (check the driver, CUDA_VISIBLE_DEVICES, or train on cpu)");
            }
            return Integer.toString(partitionId % visibleGpus);
        }
        throw new IllegalStateException("training on GPU, but Spark assigned no 'gpu' resource to task "
                + partitionId + ": set spark.executor.resource.gpu.amount, spark.task.resource.gpu.amount=1 and"
                + " a discovery script (see conf/spark-gpu.conf)");
    }
}
