package org.bg2vec.djl;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The device decision: the assigned GPU, or a clear error naming it; never a silent CPU run. */
class DeviceDecisionTest {

    /** A probe that must not be asked anything (a CPU task has nothing to probe). */
    private static final GpuProbe UNTOUCHABLE = new FakeGpuProbe(0) {
        @Override
        public java.util.List<String> libraryProblems(boolean needNccl) {
            throw new AssertionError("a CPU task must not probe the GPU libraries");
        }

        @Override
        public int visibleGpus() {
            throw new AssertionError("a CPU task must not start the engine for a GPU count");
        }
    };

    @Test
    void gpuRequestedAndNoCudaDeviceVisibleIsAnErrorNamingTheAssignedAddressAndWhatToSet() {
        GpuUnavailableException e = assertThrows(GpuUnavailableException.class,
                () -> DeviceDecision.decide(true, "3", 0, false, "encode task 7", new FakeGpuProbe(0)));
        String m = e.getMessage();
        assertTrue(m.startsWith("a GPU was requested for encode task 7 on host fake-gpu-host, Spark GPU address 3"), m);
        assertTrue(m.contains("sees no CUDA device") && m.contains("NVIDIA driver"), m);
        for (String setting : List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR=cu128", "PYTORCH_VERSION=2.7.1",
                "libcudart.so.12", "libnccl.so.2", "--device cpu")) {
            assertTrue(m.contains(setting), setting + " missing from: " + m);
        }
    }

    @Test
    void libraryProblemsAreListedBeforeTheEngineIsStarted() {
        GpuProbe probe = new FakeGpuProbe(4, List.of("PYTORCH_FLAVOR is not set", "libnccl.so.2 not found"), Map.of()) {
            @Override
            public int visibleGpus() {
                throw new AssertionError("the engine must not start with unusable libraries");
            }
        };
        GpuUnavailableException e = assertThrows(GpuUnavailableException.class,
                () -> DeviceDecision.decide(true, "0", 0, true, "rank 1", probe));
        assertEquals(List.of("PYTORCH_FLAVOR is not set", "libnccl.so.2 not found"), e.problems());
        assertTrue(e.getMessage().contains("rank 1 on host fake-gpu-host, Spark GPU address 0"), e.getMessage());
    }

    @Test
    void theRealProbeOnAMachineWithoutGpuNamesTheAddressAndTheMissingLibraries() {
        GpuProbe real = GpuProbe.forThisProcess();
        assumeTrue(real.libraryProblems(false).size() > 0 || real.visibleGpus() == 0, "this machine has a usable GPU");
        GpuUnavailableException e = assertThrows(GpuUnavailableException.class,
                () -> DeviceDecision.decide(true, "5", 0, true, "rank 0", real));
        assertTrue(e.getMessage().contains("Spark GPU address 5"), e.getMessage());
        assertTrue(e.getMessage().contains("on host " + GpuLibraries.hostName()), e.getMessage());
        assertTrue(e.problems().size() >= 1, e.getMessage());
    }

    @Test
    void cpuNeedsNoProbeAndGpuTakesTheAssignedAddress() {
        assertEquals(ComputeDevice.cpu(), DeviceDecision.decide(false, "3", 0, true, "rank 0", UNTOUCHABLE));
        assertEquals(ComputeDevice.gpu(3, "3"), DeviceDecision.decide(true, "3", 0, false, "rank 0",
                new FakeGpuProbe(8)));
        assertEquals(ComputeDevice.gpu(1, null), DeviceDecision.decide(true, null, 5, false, "rank 5",
                new FakeGpuProbe(2)), "local mode: index modulo the visible GPUs");
    }

    @Test
    void addressesAreMappedThroughCudaVisibleDevices() {
        FakeGpuProbe isolated = new FakeGpuProbe(2, List.of(), Map.of("CUDA_VISIBLE_DEVICES", "2,3"));
        assertEquals(ComputeDevice.gpu(1, "3"), DeviceDecision.decide(true, "3", 0, false, "rank 0", isolated));
        assertEquals(ComputeDevice.gpu(0, "2"), DeviceDecision.decide(true, "2", 0, false, "rank 0", isolated));
        GpuUnavailableException hidden = assertThrows(GpuUnavailableException.class,
                () -> DeviceDecision.decide(true, "5", 0, false, "rank 0", isolated));
        assertTrue(hidden.getMessage().contains("CUDA_VISIBLE_DEVICES=2,3 does not list it"), hidden.getMessage());

        GpuUnavailableException tooFew = assertThrows(GpuUnavailableException.class,
                () -> DeviceDecision.decide(true, "3", 0, false, "rank 0", new FakeGpuProbe(1)));
        assertTrue(tooFew.getMessage().contains("maps to CUDA device 3 but this process sees 1 CUDA device"),
                tooFew.getMessage());
    }
}
