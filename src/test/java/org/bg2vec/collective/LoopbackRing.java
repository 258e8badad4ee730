package org.bg2vec.collective;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Test helper: W ranks of a {@link TcpCollective} as threads of this JVM on 127.0.0.1. */
final class LoopbackRing implements AutoCloseable {

    static final Duration CONNECT = Duration.ofSeconds(20);

    final List<CollectiveEndpoint> endpoints = new ArrayList<>();
    final List<PeerTable> tables = new ArrayList<>();
    final List<TcpCollective> ranks = new ArrayList<>();
    private final ExecutorService pool;

    private LoopbackRing(int w) {
        pool = Executors.newFixedThreadPool(w + 1, r -> {
            Thread t = new Thread(r, "test-rank");
            t.setDaemon(true);
            return t;
        });
    }

    /** Binds W endpoints (port 0) and the peer tables, without connecting. */
    static LoopbackRing bind(int w, Duration opTimeout) {
        LoopbackRing ring = new LoopbackRing(w);
        List<PeerAddress> peers = new ArrayList<>();
        for (int r = 0; r < w; r++) {
            CollectiveEndpoint e = CollectiveEndpoint.bind("127.0.0.1", 0);
            ring.endpoints.add(e);
            peers.add(new PeerAddress("127.0.0.1", e.port()));
        }
        byte[] secret = PeerTable.newSecret();
        for (int r = 0; r < w; r++) {
            ring.tables.add(new PeerTable(r, peers, secret, CONNECT, opTimeout));
        }
        return ring;
    }

    /** Binds and connects all W ranks concurrently. */
    static LoopbackRing connect(int w, Duration opTimeout) throws Exception {
        LoopbackRing ring = bind(w, opTimeout);
        ring.connectAll();
        return ring;
    }

    void connectAll() throws Exception {
        List<TcpCollective> done = runAll(r -> TcpCollective.connect(endpoints.get(r), tables.get(r)));
        ranks.addAll(done);
    }

    /** Runs {@code body} for every rank on its own thread; returns results in rank order. */
    <T> List<T> runAll(IntFunction<T> body) throws Exception {
        List<Future<T>> futures = new ArrayList<>();
        for (int r = 0; r < endpoints.size(); r++) {
            int rank = r;
            futures.add(pool.submit(() -> body.apply(rank)));
        }
        List<T> out = new ArrayList<>();
        for (Future<T> f : futures) {
            out.add(f.get(60, TimeUnit.SECONDS));
        }
        return out;
    }

    /** Runs {@code body} for one rank asynchronously. */
    <T> Future<T> submit(java.util.concurrent.Callable<T> body) {
        return pool.submit(body);
    }

    int port(int r) {
        return tables.get(r).peer(r).port();
    }

    @Override
    public void close() {
        for (TcpCollective c : ranks) {
            c.close();
        }
        for (CollectiveEndpoint e : endpoints) {
            e.close();
        }
        pool.shutdownNow();
    }
}
