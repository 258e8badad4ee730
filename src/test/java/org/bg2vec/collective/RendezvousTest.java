package org.bg2vec.collective;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rendezvous messages: round trip, validation, peer table and a real ring built from them. */
class RendezvousTest {

    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void announcementsRoundTripAndHideTheSecret() {
        String secret = PeerTable.encodeSecret(PeerTable.newSecret());
        Announcement a = new Announcement(0, "10.1.2.3", 40001, "0", secret, "AAAA");
        assertEquals(a, Announcement.decode(a.encode()));
        Announcement cpu = new Announcement(3, "worker-7.example", 5000, null, null, null);
        assertEquals(cpu, Announcement.decode(cpu.encode()));
        assertFalse(a.toString().contains(secret));
        assertThrows(IllegalArgumentException.class, () -> Announcement.decode("hello"));
        assertThrows(IllegalArgumentException.class, () -> Announcement.decode("bg2vec-rendezvous-1;rank=0;port=1"));
        assertThrows(IllegalArgumentException.class, () -> Announcement.decode("bg2vec-rendezvous-1;rank=x;host=h;port=1"));
        assertThrows(IllegalArgumentException.class, () -> new Announcement(0, "h;x", 1, null, null, null));
    }

    @Test
    void inconsistentAnnouncementsAreRejectedNamingTheRanks() {
        String s = PeerTable.encodeSecret(PeerTable.newSecret());
        String r0 = new Announcement(0, "a", 1000, "0", s, null).encode();
        String r1 = new Announcement(1, "b", 1000, "0", null, null, "jvm-on-b").encode();
        assertEquals(2, Rendezvous.sorted(List.of(r1, r0)).size());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> Rendezvous.sorted(List.of(r0, r0)));
        assertTrue(twice.getMessage().contains("rank 0 announced twice"), twice.getMessage());
        IllegalArgumentException gpu = assertThrows(IllegalArgumentException.class, () -> Rendezvous.sorted(
                List.of(r0, new Announcement(1, "a", 1001, "0", null, null).encode())));
        assertTrue(gpu.getMessage().contains("ranks 0 and 1") && gpu.getMessage().contains("GPU 0"), gpu.getMessage());
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class, () -> Rendezvous.sorted(
                List.of(r0, new Announcement(1, "a", 1000, null, null, null).encode())));
        assertTrue(port.getMessage().contains("a:1000"), port.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Rendezvous.sorted(
                List.of(r0, new Announcement(2, "c", 1, null, null, null).encode())));
        assertThrows(IllegalArgumentException.class, () -> Rendezvous.peerTable(0,
                List.of(new Announcement(0, "a", 1, null, null, null).encode()), T, T));
        assertThrows(IllegalArgumentException.class, () -> Rendezvous.ncclId(List.of(r0, r1)));
    }

    @Test
    void containersOnOneHostMaySeeTheirOwnGpuAsTheSameAddress() {
        // two executors on one host with host networking, each in a container that shows its GPU as 0
        String r0 = new Announcement(0, "10.0.0.5", 1000, "0", PeerTable.encodeSecret(PeerTable.newSecret()), null,
                "jvm-a").encode();
        String r1 = new Announcement(1, "10.0.0.5", 1001, "0", null, null, "jvm-b").encode();
        List<Announcement> ranks = Rendezvous.sorted(List.of(r1, r0));
        assertEquals("jvm-b", ranks.get(1).jvm());
        // the same two ranks inside one executor JVM do share a GPU: refused
        String r1SameJvm = new Announcement(1, "10.0.0.5", 1001, "0", null, null, "jvm-a").encode();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rendezvous.sorted(List.of(r0, r1SameJvm)));
        assertTrue(e.getMessage().contains("ranks 0 and 1") && e.getMessage().contains("one executor"), e.getMessage());
    }

    @Test
    void aRingBuiltFromAnnouncementsWorks() throws Exception {
        int w = 3;
        try (LoopbackRing ring = LoopbackRing.bind(w, T)) {
            byte[] secret = PeerTable.newSecret();
            NcclUniqueId id = new NcclUniqueId(new byte[NcclUniqueId.BYTES]);
            List<String> messages = List.of(
                    new Announcement(2, "127.0.0.1", ring.port(2), null, null, null).encode(),
                    new Announcement(0, "127.0.0.1", ring.port(0), null, PeerTable.encodeSecret(secret), id.toBase64())
                            .encode(),
                    new Announcement(1, "127.0.0.1", ring.port(1), null, null, null).encode());
            assertEquals(id, Rendezvous.ncclId(messages));
            List<float[]> sums = ring.runAll(r -> {
                PeerTable t = Rendezvous.peerTable(r, messages, T, T);
                assertArrayEquals(secret, t.secret());
                try (TcpCollective c = TcpCollective.connect(ring.endpoints.get(r), t)) {
                    java.nio.FloatBuffer b = java.nio.FloatBuffer.wrap(new float[] {r});
                    c.allReduceSum(b);
                    return b.array();
                }
            });
            for (float[] s : sums) {
                assertEquals(3f, s[0]);
            }
        }
    }
}
