package org.bg2vec.collective;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.FloatBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strangers on a rank's port and a failing accept() cannot keep the ring from forming or flood the log. */
class AcceptorHardeningTest {

    /** Far longer than any test may run: strangers holding handshakes for it would stall the ring. */
    private static final Duration LONG_CONNECT = Duration.ofSeconds(600);

    @Test
    void silentStrangersOnEveryHandshakeSlotDoNotKeepTheRingFromForming() throws Exception {
        List<SocketChannel> strangers = new ArrayList<>();
        try (LoopbackRing ring = LoopbackRing.bind(2, Duration.ofSeconds(60));
             CapturedWarnings warnings = new CapturedWarnings(Acceptor.class)) {
            for (int r = 0; r < 2; r++) {
                PeerTable t = ring.tables.get(r);
                ring.tables.set(r, new PeerTable(r, t.peers(), t.secret(), LONG_CONNECT, t.operationTimeout()));
            }
            // twice as many silent connections as handshake slots, on both ranks, before the ring connects
            for (int i = 0; i < 2 * Acceptor.MAX_CONCURRENT_HANDSHAKES; i++) {
                for (int r = 0; r < 2; r++) {
                    strangers.add(SocketChannel.open(new InetSocketAddress("127.0.0.1", ring.port(r))));
                }
            }
            // formerly the strangers held every slot for the whole connect timeout (600 s) and the ring
            // could not form; runAll gives up after 60 s, far below that and far above the milliseconds
            // (at most the few-second handshake timeout) the ring needs now
            ring.connectAll();
            List<float[]> sums = ring.runAll(r -> {
                FloatBuffer b = FloatBuffer.wrap(new float[] {r + 1});
                ring.ranks.get(r).allReduceSum(b);
                return b.array();
            });
            for (float[] s : sums) {
                assertArrayEquals(new float[] {3}, s, 0f);
            }
            assertTrue(warnings.awaitContaining("refused collective connection", 30_000), warnings.messages().toString());
        } finally {
            for (SocketChannel s : strangers) {
                s.close();
            }
        }
    }

    @Test
    void persistentAcceptErrorsBackOffInsteadOfSpinningAndFloodingTheLog() throws Exception {
        FailingServerChannel failing = new FailingServerChannel();
        PeerTable table = new PeerTable(0, List.of(new PeerAddress("127.0.0.1", 1), new PeerAddress("127.0.0.1", 2)),
                PeerTable.newSecret(), Duration.ofSeconds(30), Duration.ofSeconds(30));
        try (CapturedWarnings warnings = new CapturedWarnings(Acceptor.class)) {
            Acceptor acceptor = new Acceptor(failing, table, 1);
            acceptor.start();
            Thread.sleep(1_500); // an observation window, not a bound: a busy loop makes ~10^5 calls in it
            acceptor.close();
            int calls = failing.accepts.get();
            assertTrue(calls >= 1, "accept() was never called");
            // with a back-off of 10 ms doubling to 1 s, about 8 attempts fit in 1.5 s (fewer on a loaded machine)
            assertTrue(calls <= 30, "accept() was retried " + calls + " times in 1.5 s: no back-off");
            // only this acceptor's warnings: the previous test's ranks may still log their shutdown
            List<String> ours = warnings.messages().stream().filter(m -> m.contains("Too many open files")).toList();
            assertTrue(!ours.isEmpty(), "the accept() failure was not logged: " + warnings.messages());
            assertTrue(ours.size() <= 30, ours.size() + " warnings logged");
        }
    }

    /** A listening channel whose accept() always fails, as when the process is out of file descriptors. */
    private static final class FailingServerChannel extends ServerSocketChannel {
        final AtomicInteger accepts = new AtomicInteger();

        FailingServerChannel() {
            super(SelectorProvider.provider());
        }

        @Override
        public SocketChannel accept() throws IOException {
            accepts.incrementAndGet();
            throw new IOException("Too many open files");
        }

        @Override
        public ServerSocketChannel bind(SocketAddress local, int backlog) {
            return this;
        }

        @Override
        public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) {
            return this;
        }

        @Override
        public <T> T getOption(SocketOption<T> name) {
            return null;
        }

        @Override
        public Set<SocketOption<?>> supportedOptions() {
            return Set.of();
        }

        @Override
        public ServerSocket socket() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SocketAddress getLocalAddress() {
            return null;
        }

        @Override
        protected void implCloseSelectableChannel() {
        }

        @Override
        protected void implConfigureBlocking(boolean block) {
        }
    }
}
