package org.bg2vec.train;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.model.EncoderOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each worker trains on the device its task was given; fp16 without a GPU is a configuration error. */
class TrainingWorkerDeviceTest {

    private static TrainConfig config(String precision) {
        return TrainConfig.parse("{\"output_dir\": \"target/unused\", \"precision\": \"" + precision + "\"}");
    }

    @Test
    void theModelRunsOnTheTasksGpuNotOnGpuZero() {
        EncoderOptions o = TrainingWorker.options(config("fp16"), ComputeDevice.gpu(3, "5"));
        assertEquals(Device.gpu(3), o.device());
        assertEquals(DataType.FLOAT16, o.computeType());
        assertEquals(DataType.FLOAT32, TrainingWorker.options(config("fp32"), ComputeDevice.gpu(1, "1")).computeType());
    }

    @Test
    void fp16OnTheCpuIsAConfigurationErrorNotASilentFloat32Run() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingWorker.options(config("fp16"), ComputeDevice.cpu()));
        assertTrue(e.getMessage().contains("precision fp16 needs a GPU"), e.getMessage());
        assertTrue(e.getMessage().contains("\"precision\": \"fp32\""), e.getMessage());
        EncoderOptions cpu = TrainingWorker.options(config("fp32"), ComputeDevice.cpu());
        assertEquals(Device.cpu(), cpu.device());
        assertEquals(DataType.FLOAT32, cpu.computeType());
    }

    @Test
    void theDeviceLineHasTheFormatTheSmokeCheckGreps() {
        assertEquals("bg2vec device: rank 0 trains on gpu(3) [float16] (Spark GPU address 5)",
                ComputeDevice.gpu(3, "5").logLine("rank 0", "trains", DataType.FLOAT16));
        assertEquals("bg2vec device: rank 1 trains on cpu() [float32]",
                ComputeDevice.cpu().logLine("rank 1", "trains", DataType.FLOAT32));
    }
}
