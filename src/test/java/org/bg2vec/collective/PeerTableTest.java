package org.bg2vec.collective;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Peer table validation, ring segment arithmetic and zero-copy buffer views. */
class PeerTableTest {

    private static final List<PeerAddress> PEERS = List.of(new PeerAddress("10.0.0.1", 4000),
            new PeerAddress("10.0.0.2", 4001));
    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void tableValidatesRankSecretAndTimeouts() {
        byte[] secret = PeerTable.newSecret();
        PeerTable t = new PeerTable(1, PEERS, secret, T, T);
        assertEquals(2, t.size());
        assertEquals("rank 0 (10.0.0.1:4000)", t.describe(0));
        assertThrows(IllegalArgumentException.class, () -> new PeerTable(2, PEERS, secret, T, T));
        assertThrows(IllegalArgumentException.class, () -> new PeerTable(0, List.of(), secret, T, T));
        assertThrows(IllegalArgumentException.class, () -> new PeerTable(0, PEERS, new byte[8], T, T));
        assertThrows(IllegalArgumentException.class, () -> new PeerTable(0, PEERS, secret, Duration.ZERO, T));
        assertThrows(IllegalArgumentException.class, () -> new PeerTable(0, PEERS, secret, T, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> new PeerAddress("h", 0));
        assertThrows(IllegalArgumentException.class, () -> new PeerAddress(" ", 80));
    }

    @Test
    void secretIsCopiedNeverPrintedAndSurvivesBase64() {
        byte[] secret = PeerTable.newSecret();
        PeerTable t = new PeerTable(0, PEERS, secret, T, T);
        secret[0]++;
        assertFalse(java.util.Arrays.equals(secret, t.secret()), "the table keeps its own copy");
        String text = PeerTable.encodeSecret(t.secret());
        assertFalse(t.toString().contains(text), t.toString());
        assertArrayEquals(t.secret(), PeerTable.decodeSecret(text));
        assertEquals(t, new PeerTable(0, PEERS, PeerTable.decodeSecret(text), T, T));
        assertThrows(IllegalArgumentException.class, () -> PeerTable.decodeSecret("%%%"));
    }

    @Test
    void segmentsTileTheBufferForEveryLengthAndWorldSize() {
        for (int w = 1; w <= 5; w++) {
            for (int n = 0; n <= 23; n++) {
                int next = 0;
                for (int i = 0; i < w; i++) {
                    assertEquals(next, RingAlgorithms.segmentStart(n, w, i), "n=" + n + " w=" + w + " i=" + i);
                    int len = RingAlgorithms.segmentLength(n, w, i);
                    assertTrue(len == n / w || len == n / w + 1);
                    next += len;
                }
                assertEquals(n, next, "segments of n=" + n + " w=" + w + " must cover it exactly");
            }
        }
    }

    @Test
    void directLittleEndianFloatBuffersAreViewedInPlaceFromTheirPosition() {
        assertTrue(BufferViews.zeroCopyAvailable(), "the tests run with --add-opens java.base/sun.nio.ch");
        FloatBuffer floats = ByteBuffer.allocateDirect(40).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        floats.position(3).limit(7);
        FloatBuffer sliced = floats.slice();
        ByteBuffer view = BufferViews.bytesOf(floats);
        assertNotNull(view);
        assertEquals(16, view.capacity());
        view.putFloat(0, 5f);
        view.putFloat(12, 9f);
        assertEquals(5f, floats.get(3));
        assertEquals(9f, floats.get(6));
        ByteBuffer sliceView = BufferViews.bytesOf(sliced);
        assertNotNull(sliceView);
        assertEquals(5f, sliceView.order(ByteOrder.LITTLE_ENDIAN).getFloat(0));
        assertNull(BufferViews.bytesOf(FloatBuffer.allocate(4)), "heap buffers are copied");
        assertNull(BufferViews.bytesOf(ByteBuffer.allocateDirect(16).order(ByteOrder.BIG_ENDIAN).asFloatBuffer()),
                "big-endian buffers are converted");
    }
}
