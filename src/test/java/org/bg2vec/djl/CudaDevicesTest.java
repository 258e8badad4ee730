package org.bg2vec.djl;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spark GPU address → CUDA ordinal, with and without CUDA_VISIBLE_DEVICES. */
class CudaDevicesTest {

    @Test
    void withoutCudaVisibleDevicesTheAddressIsTheOrdinal() {
        // YARN without isolation and standalone: every executor sees every GPU of the host
        assertEquals(0, CudaDevices.ordinal("0", null));
        assertEquals(6, CudaDevices.ordinal(" 6 ", null));
    }

    @Test
    void withCudaVisibleDevicesTheOrdinalIsThePositionOfTheAddress() {
        assertEquals(0, CudaDevices.ordinal("3", "3"));
        assertEquals(1, CudaDevices.ordinal("3", "2,3"));
        assertEquals(2, CudaDevices.ordinal("7", "0, 5 ,7"));
        assertEquals(0, CudaDevices.ordinal("GPU-8f6e0d2a", "GPU-8f6e0d2a,GPU-11aa"), "UUID addresses");
    }

    @Test
    void anAddressCudaCannotReachIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudaDevices.ordinal("4", "0,1"));
        assertTrue(e.getMessage().contains("Spark assigned GPU address 4 but CUDA_VISIBLE_DEVICES=0,1"),
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> CudaDevices.ordinal("0", ""), "empty: no device visible");
        assertThrows(IllegalStateException.class, () -> CudaDevices.ordinal("1", "0,-1,1"),
                "CUDA stops at the first invalid entry");
        assertThrows(IllegalStateException.class, () -> CudaDevices.ordinal("GPU-8f6e0d2a", null),
                "a non-index address needs CUDA_VISIBLE_DEVICES to be mapped");
    }

    @Test
    void entriesStopAtTheFirstNegativeOne() {
        assertEquals(List.of("0", "1"), CudaDevices.entries("0,1,-1,2"));
        assertEquals(List.of(), CudaDevices.entries(""));
    }
}
