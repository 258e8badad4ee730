package org.bg2vec.spark;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark-free decisions of the training stage: GPU choice, device, addresses, failure causes. */
class TrainJobPartsTest {

    @Test
    void gpuComesFromTheTaskResourceElseLocalModuloElseNone() {
        assertNull(GpuAssignment.choose(false, new String[]{"3"}, false, 0, 8), "cpu training uses no GPU");
        assertEquals("3", GpuAssignment.choose(true, new String[]{"3", "4"}, false, 0, 0), "first assigned address");
        assertEquals("1", GpuAssignment.choose(true, null, true, 5, 2), "local mode: partition 5 mod 2 GPUs");
        assertEquals("0", GpuAssignment.choose(true, new String[0], true, 4, 4));
        String noGpu = assertThrows(IllegalStateException.class,
                () -> GpuAssignment.choose(true, null, true, 0, 0)).getMessage();
        assertTrue(noGpu.contains("sees no GPU"), noGpu);
        String noResource = assertThrows(IllegalStateException.class,
                () -> GpuAssignment.choose(true, null, false, 2, 0)).getMessage();
        assertTrue(noResource.contains("no 'gpu' resource to task 2"), noResource);
    }

    @Test
    void autoDeviceFollowsTheTaskGpuSetting() {
        assertTrue(TrainJob.wantsGpu(TrainJob.Device.AUTO, Map.of("spark.task.resource.gpu.amount", "1")));
        assertFalse(TrainJob.wantsGpu(TrainJob.Device.AUTO, Map.of()));
        assertTrue(TrainJob.wantsGpu(TrainJob.Device.GPU, Map.of()));
        assertFalse(TrainJob.wantsGpu(TrainJob.Device.CPU, Map.of("spark.task.resource.gpu.amount", "1")));
    }

    @Test
    void executorAddressesGiveTheHost() {
        assertEquals("10.0.0.7", TrainTask.hostOf("10.0.0.7:41234"));
        assertEquals("node-3.cluster", TrainTask.hostOf("node-3.cluster:7078"));
        assertEquals("::1", TrainTask.hostOf("[::1]:7078"));
    }

    @Test
    void theFailureCauseKeepsMessagesAndDropsStackFrames() {
        Exception spark = new Exception("Job aborted due to stage failure: barrier task ResultTask(5, 1) failed.\n"
                + "org.bg2vec.collective.CollectiveException: rank 0: allReduceSum #3 timed out waiting for rank 1\n"
                + "\tat org.bg2vec.collective.TcpCollective.allReduceSum(TcpCollective.java:180)\n"
                + "Caused by: java.io.IOException: x\n\tat y\n");
        assertEquals("Job aborted due to stage failure: barrier task ResultTask(5, 1) failed. | "
                        + "org.bg2vec.collective.CollectiveException: rank 0: allReduceSum #3 timed out waiting for rank 1",
                TrainJob.failureCause(new RuntimeException("wrapper", spark)));
    }
}
