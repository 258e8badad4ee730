package org.bg2vec.collective;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connections without (or with a wrong) job secret are refused; the job carries on; ports are released. */
class TcpCollectiveAuthTest {

    private static final Duration OP_TIMEOUT = Duration.ofSeconds(60);

    private static void assertRingWorks(LoopbackRing ring) throws Exception {
        int w = ring.endpoints.size();
        List<float[]> sums = ring.runAll(r -> {
            FloatBuffer b = FloatBuffer.wrap(new float[] {r, 1});
            ring.ranks.get(r).allReduceSum(b);
            return b.array();
        });
        for (float[] s : sums) {
            assertArrayEquals(new float[] {w * (w - 1) / 2f, w}, s, 0f);
        }
    }

    private static SocketChannel connectTo(int port) throws Exception {
        SocketChannel ch = SocketChannel.open();
        ch.socket().connect(new InetSocketAddress("127.0.0.1", port), 5000);
        ch.socket().setSoTimeout(30_000);
        return ch;
    }

    /** Reads until EOF (the server closed on us); true when it did within the socket timeout. */
    private static boolean closedByServer(SocketChannel ch) throws Exception {
        var in = ch.socket().getInputStream();
        byte[] buf = new byte[256];
        try {
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @Test
    void strangersConnectingDuringSetupAreRefusedAndTheRingStillForms() throws Exception {
        try (LoopbackRing ring = LoopbackRing.bind(2, OP_TIMEOUT); CapturedWarnings warnings = new CapturedWarnings(Acceptor.class)) {
            List<SocketChannel> strangers = new ArrayList<>();
            try {
                // one that sends junk (an HTTP probe), one that connects and says nothing
                SocketChannel junk = connectTo(ring.port(1));
                junk.write(ByteBuffer.wrap(("GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: probe\r\n"
                        + "Accept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
                strangers.add(junk);
                strangers.add(connectTo(ring.port(1)));
                strangers.add(connectTo(ring.port(0)));
                ring.connectAll();
                assertRingWorks(ring);
                assertTrue(closedByServer(junk), "the junk-sending stranger must be disconnected");
                String junkAddress = "127.0.0.1:" + junk.socket().getLocalPort();
                assertTrue(warnings.awaitContaining(junkAddress, 10_000), "a WARN naming " + junkAddress
                        + " is expected, got " + warnings.messages());
            } finally {
                for (SocketChannel s : strangers) {
                    s.close();
                }
            }
            assertRingWorks(ring);
        }
    }

    @Test
    void aClientWithAWrongSecretIsRefusedAfterSetupAndTheRingStillWorks() throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(3, OP_TIMEOUT); CapturedWarnings warnings = new CapturedWarnings(Acceptor.class)) {
            // speaks the protocol correctly but with another secret: it cannot verify the server ...
            try (SocketChannel ch = connectTo(ring.port(1)); ChannelIo io = new ChannelIo(ch, "rank 1")) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                Handshake.RefusedException e = assertThrows(Handshake.RefusedException.class,
                        () -> Handshake.client(io, PeerTable.newSecret(), 3, 0, 1, "rank 1", deadline));
                assertTrue(e.getMessage().contains("failed authentication"), e.getMessage());
            }
            // ... and a client that ignores that and answers with a forged MAC is cut off by the server
            try (SocketChannel ch = connectTo(ring.port(1))) {
                ByteBuffer hello = ByteBuffer.allocate(52);
                hello.put("BG2VRING".getBytes(StandardCharsets.US_ASCII)).putInt(Handshake.VERSION).putInt(3).putInt(0)
                        .put(new byte[32]).flip();
                ch.write(hello);
                ByteBuffer challenge = ByteBuffer.allocate(80);
                while (challenge.hasRemaining()) {
                    assertTrue(ch.read(challenge) >= 0, "server answered the hello with a challenge");
                }
                ch.write(ByteBuffer.wrap(new byte[32]));
                assertTrue(closedByServer(ch), "a forged response must be refused");
                String forger = "127.0.0.1:" + ch.socket().getLocalPort();
                assertTrue(warnings.awaitContaining(forger, 10_000), "a WARN naming " + forger + " is expected");
                assertTrue(warnings.messages().stream().anyMatch(m -> m.contains(forger) && m.contains("wrong job secret")),
                        warnings.messages().toString());
            }
            // the right secret but the ring is complete: refused too
            try (SocketChannel ch = connectTo(ring.port(1)); ChannelIo io = new ChannelIo(ch, "rank 1")) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                Handshake.RefusedException e = assertThrows(Handshake.RefusedException.class,
                        () -> Handshake.client(io, ring.tables.get(0).secret(), 3, 0, 1, "rank 1", deadline));
                assertTrue(e.getMessage().contains("refused"), e.getMessage());
            }
            assertRingWorks(ring);
        }
    }

    @Test
    void aRankWithAnotherSecretCannotJoin() throws Exception {
        try (LoopbackRing ring = LoopbackRing.bind(2, OP_TIMEOUT)) {
            PeerTable good = ring.tables.get(0);
            PeerTable bad = new PeerTable(1, ring.tables.get(1).peers(), PeerTable.newSecret(), Duration.ofSeconds(3),
                    OP_TIMEOUT);
            PeerTable goodShort = new PeerTable(0, good.peers(), good.secret(), Duration.ofSeconds(3), OP_TIMEOUT);
            Future<String> r0 = ring.submit(() -> messageOf(() -> TcpCollective.connect(ring.endpoints.get(0), goodShort)));
            Future<String> r1 = ring.submit(() -> messageOf(() -> TcpCollective.connect(ring.endpoints.get(1), bad)));
            String m0 = r0.get(60, TimeUnit.SECONDS);
            String m1 = r1.get(60, TimeUnit.SECONDS);
            assertTrue(m0.contains("rank 1 (127.0.0.1:" + ring.port(1) + ")"), m0);
            assertTrue(m1.contains("rank 0 (127.0.0.1:" + ring.port(0) + ")"), m1);
            assertTrue((m0 + m1).contains("secret"), m0 + " / " + m1);
        }
    }

    @Test
    void closeReleasesThePortsAndLaterCallsFail() throws Exception {
        List<Integer> ports = new ArrayList<>();
        List<TcpCollective> closed = new ArrayList<>();
        try (LoopbackRing ring = LoopbackRing.connect(3, OP_TIMEOUT)) {
            for (int r = 0; r < 3; r++) {
                ports.add(ring.port(r));
            }
            assertRingWorks(ring);
            closed.addAll(ring.ranks);
        }
        for (int port : ports) {
            try (ServerSocketChannel again = ServerSocketChannel.open()) {
                again.bind(new InetSocketAddress("127.0.0.1", port));
                assertEquals(port, ((InetSocketAddress) again.getLocalAddress()).getPort());
            }
        }
        CollectiveException e = assertThrows(CollectiveException.class, () -> closed.get(0).barrier());
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void aSingleRankIsTheIdentityAndReleasesItsPort() throws Exception {
        CollectiveEndpoint endpoint = CollectiveEndpoint.bind("127.0.0.1", 0);
        int port = endpoint.port();
        PeerTable table = new PeerTable(0, List.of(new PeerAddress("127.0.0.1", port)), PeerTable.newSecret(),
                Duration.ofSeconds(5), Duration.ofSeconds(5));
        try (TcpCollective c = TcpCollective.connect(endpoint, table)) {
            FloatBuffer b = FloatBuffer.wrap(new float[] {1.5f, -2});
            c.allReduceSum(b);
            assertArrayEquals(new float[] {1.5f, -2}, b.array(), 0f);
            FloatBuffer out = FloatBuffer.allocate(2);
            c.allGather(FloatBuffer.wrap(new float[] {3, 4}), out);
            assertArrayEquals(new float[] {3, 4}, out.array(), 0f);
            c.barrier();
            c.broadcast(ByteBuffer.allocate(3), 0);
            try (ServerSocketChannel again = ServerSocketChannel.open()) {
                again.bind(new InetSocketAddress("127.0.0.1", port));
            }
        }
    }

    private static String messageOf(Runnable op) {
        try {
            op.run();
        } catch (CollectiveException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a CollectiveException");
    }
}
