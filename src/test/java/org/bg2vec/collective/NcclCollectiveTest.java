package org.bg2vec.collective;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Everything around the NCCL native calls: ids, validation, bucket layout, the missing-library error. */
class NcclCollectiveTest {

    private static NcclUniqueId someId() {
        byte[] b = new byte[NcclUniqueId.BYTES];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return new NcclUniqueId(b);
    }

    @Test
    void uniqueIdRoundTripsThroughBase64() {
        NcclUniqueId id = someId();
        String text = id.toBase64();
        assertEquals(id, NcclUniqueId.fromBase64(text));
        assertEquals(id, NcclUniqueId.fromBase64("  " + text + "\n"));
        assertArrayEquals(id.bytes(), Base64.getDecoder().decode(text));
        assertTrue(!id.toString().contains(text), "toString must not print the whole id");
    }

    @Test
    void uniqueIdRejectsWrongLengthsAndJunk() {
        assertThrows(IllegalArgumentException.class, () -> new NcclUniqueId(new byte[127]));
        String shortText = Base64.getEncoder().encodeToString(new byte[64]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NcclUniqueId.fromBase64(shortText));
        assertTrue(e.getMessage().contains("64 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NcclUniqueId.fromBase64("not base64 !!"));
        byte[] raw = someId().bytes();
        raw[0]++;
        assertNotEquals(someId(), new NcclUniqueId(raw));
    }

    @Test
    void initValidatesItsArgumentsBeforeTouchingNativeCode() {
        Duration t = Duration.ofSeconds(5);
        assertThrows(IllegalArgumentException.class, () -> NcclCollective.init(2, 2, someId(), 0, t));
        assertThrows(IllegalArgumentException.class, () -> NcclCollective.init(-1, 2, someId(), 0, t));
        assertThrows(IllegalArgumentException.class, () -> NcclCollective.init(0, 2, someId(), -1, t));
        assertThrows(IllegalArgumentException.class, () -> NcclCollective.init(0, 2, someId(), 0, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> NcclCollective.init(0, 2, null, 0, t));
    }

    @Test
    void deviceBufferArgumentsAreValidated() {
        assertEquals(3, NcclCollective.floatCount(ByteBuffer.allocateDirect(12), "op"));
        assertThrows(IllegalArgumentException.class, () -> NcclCollective.floatCount(ByteBuffer.allocateDirect(10), "op"));
        assertThrows(IllegalArgumentException.class, () -> NcclCollective.floatCount(ByteBuffer.allocate(12), "op"));
        NcclCollective.checkGather(8, 32, 4);
        assertThrows(IllegalArgumentException.class, () -> NcclCollective.checkGather(8, 24, 4));
        NcclCollective.checkRoot(3, 4);
        assertThrows(IllegalArgumentException.class, () -> NcclCollective.checkRoot(4, 4));
    }

    /**
     * On a machine without libcudart/libnccl (this CI) loading must end in a catchable CollectiveException
     * that tells the operator what to install, every time, and the JVM must keep running. On a GPU node
     * with NCCL the library loads instead.
     */
    @Test
    void missingNcclGivesAClearCatchableError() {
        if (NcclCollective.isAvailable()) {
            return; // a GPU node: covered by submit/gpu-smoke.sh
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            CollectiveException e = assertThrows(CollectiveException.class, NcclCollective::newUniqueId);
            assertTrue(e.getMessage().contains("libnccl.so.2") && e.getMessage().contains("LD_LIBRARY_PATH"),
                    e.getMessage());
            CollectiveException init = assertThrows(CollectiveException.class,
                    () -> NcclCollective.init(0, 1, someId(), 0, Duration.ofSeconds(1)));
            assertTrue(init.getMessage().contains("NCCL is not available"), init.getMessage());
        }
        // still alive and usable
        assertEquals(6, Arrays.stream(new int[] {1, 2, 3}).sum());
    }

    @Test
    void bucketLayoutPlacesTensorsBackToBack() {
        GradientBucket b = GradientBucket.of(List.of(6L, 0L, 5L, 1L));
        assertEquals(4, b.tensors());
        assertArrayEquals(new long[] {0, 6, 6, 11}, b.offsets());
        assertArrayEquals(new long[] {6, 0, 5, 1}, b.counts());
        assertEquals(12, b.totalFloats());
        assertEquals(GradientBucket.of(List.of(6L, 0L, 5L, 1L)), b);
    }

    @Test
    void bucketsOver2GiBAreRejectedNamingTheTensor() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientBucket.of(List.of(GradientBucket.MAX_FLOATS - 10, 5L, 6L)));
        assertTrue(e.getMessage().contains("tensor 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradientBucket.of(List.of(-1L)));
    }
}
