package org.bg2vec.spark;

import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.djl.DeviceRequest;
import org.bg2vec.djl.FakeGpuProbe;
import org.bg2vec.djl.GpuUnavailableException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark-free decisions of the training stage: GPU choice, device, addresses, failure causes. */
class TrainJobPartsTest {

    @Test
    void gpuComesFromTheTaskResourceElseLocalModuloElseNone() {
        FakeGpuProbe eight = new FakeGpuProbe(8);
        assertEquals(ComputeDevice.cpu(), GpuAssignment.choose(false, new String[]{"3"}, false, 0, false, "rank 0",
                eight), "cpu training uses no GPU");
        assertEquals(ComputeDevice.gpu(3, "3"), GpuAssignment.choose(true, new String[]{"3", "4"}, false, 0, false,
                "rank 0", eight), "first assigned address");
        assertEquals(ComputeDevice.gpu(1, null), GpuAssignment.choose(true, null, true, 5, false, "rank 5",
                new FakeGpuProbe(2)), "local mode: partition 5 mod 2 GPUs");
        assertEquals(ComputeDevice.gpu(0, null), GpuAssignment.choose(true, new String[0], true, 4, false, "rank 4",
                new FakeGpuProbe(4)));
        String noGpu = assertThrows(GpuUnavailableException.class,
                () -> GpuAssignment.choose(true, null, true, 0, false, "rank 0", new FakeGpuProbe(0))).getMessage();
        assertTrue(noGpu.contains("sees no CUDA device"), noGpu);
        String noResource = assertThrows(GpuUnavailableException.class,
                () -> GpuAssignment.choose(true, null, false, 2, false, "rank 2", eight)).getMessage();
        assertTrue(noResource.contains("rank 2 on host fake-gpu-host") && noResource.contains("no 'gpu' resource"),
                noResource);
    }

    @Test
    void autoDeviceFollowsTheTaskGpuSetting() {
        assertTrue(TrainJob.wantsGpu(DeviceRequest.AUTO, Map.of("spark.task.resource.gpu.amount", "1")));
        assertFalse(TrainJob.wantsGpu(DeviceRequest.AUTO, Map.of()));
        assertTrue(TrainJob.wantsGpu(DeviceRequest.GPU, Map.of()));
        assertFalse(TrainJob.wantsGpu(DeviceRequest.CPU, Map.of("spark.task.resource.gpu.amount", "1")));
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
