package org.bg2vec.djl;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceRequestTest {

    @Test
    void autoMeansGpuExactlyWhenTasksGetGpus() {
        assertTrue(DeviceRequest.AUTO.resolve(Map.of("spark.task.resource.gpu.amount", "1")).gpu());
        assertFalse(DeviceRequest.AUTO.resolve(Map.of("spark.task.resource.gpu.amount", "0")).gpu());
        DeviceRequest.Resolved cpu = DeviceRequest.AUTO.resolve(Map.of());
        assertFalse(cpu.gpu());
        assertTrue(cpu.reason().contains("no spark.task.resource.gpu.amount"), cpu.reason());
        assertTrue(DeviceRequest.GPU.resolve(Map.of()).gpu());
        assertFalse(DeviceRequest.CPU.resolve(Map.of("spark.task.resource.gpu.amount", "1")).gpu());
    }

    @Test
    void parsesTheCommandLineValue() {
        assertEquals(DeviceRequest.GPU, DeviceRequest.parse(" GPU "));
        assertEquals(DeviceRequest.AUTO, DeviceRequest.parse("auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceRequest.parse("cuda"));
        assertEquals("--device must be cpu, gpu or auto, got 'cuda'", e.getMessage());
    }
}
