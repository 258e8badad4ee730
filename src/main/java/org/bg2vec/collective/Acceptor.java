package org.bg2vec.collective;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Accepts connections on a rank's endpoint for the lifetime of its collective. Each one must pass the
 * {@link Handshake} within the connect timeout and come from the expected left ring neighbour; the first
 * that does completes {@link #left()}. Everything else (no or a wrong secret, a port scanner, a second
 * connection) is refused, closed and logged at WARN with the remote address; it never disturbs the job.
 * Handshakes run on a few daemon threads so a silent stranger cannot hold up the real neighbour.
 */
final class Acceptor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Acceptor.class);
    private static final int MAX_CONCURRENT_HANDSHAKES = 8;

    private final ServerSocketChannel server;
    private final PeerTable table;
    private final int expectedLeft;
    private final CompletableFuture<SocketChannel> left = new CompletableFuture<>();
    private final ThreadPoolExecutor handshakes;
    private final Thread thread;

    Acceptor(ServerSocketChannel server, PeerTable table, int expectedLeft) {
        this.server = server;
        this.table = table;
        this.expectedLeft = expectedLeft;
        this.handshakes = new ThreadPoolExecutor(0, MAX_CONCURRENT_HANDSHAKES, 10, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "bg2vec-collective-handshake-rank-" + table.rank()));
        this.thread = daemon(this::acceptLoop, "bg2vec-collective-accept-rank-" + table.rank());
    }

    void start() {
        thread.start();
    }

    /** Completes with the authenticated connection from the left neighbour. */
    CompletableFuture<SocketChannel> left() {
        return left;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("rank {}: accepting a collective connection failed: {}", table.rank(), e.toString());
                continue;
            }
            try {
                handshakes.execute(() -> authenticate(ch));
            } catch (RejectedExecutionException e) {
                LOG.warn("rank {}: refused collective connection from {}: too many handshakes in progress",
                        table.rank(), remote(ch));
                closeQuietly(ch);
            }
        }
    }

    private void authenticate(SocketChannel ch) {
        SocketAddress remote = remote(ch);
        long deadline = System.nanoTime() + table.connectTimeout().toNanos();
        int expected = left.isDone() ? -1 : expectedLeft;
        try (ChannelIo io = new ChannelIo(ch, "connection from " + remote)) {
            Handshake.server(io, table.secret(), table.size(), table.rank(), expected, deadline);
        } catch (Handshake.RefusedException e) {
            LOG.warn("rank {}: refused collective connection from {}: {}", table.rank(), remote, e.getMessage());
            closeQuietly(ch);
            return;
        } catch (IOException | RuntimeException e) {
            LOG.warn("rank {}: refused collective connection from {}: handshake failed (a stranger, or a peer with another job secret): {}", table.rank(), remote,
                    e.getMessage());
            closeQuietly(ch);
            return;
        }
        if (!left.complete(ch)) {
            LOG.warn("rank {}: refused a second connection from {} ({})", table.rank(), table.describe(expectedLeft),
                    remote);
            closeQuietly(ch);
        }
    }

    private static SocketAddress remote(SocketChannel ch) {
        try {
            return ch.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already broken
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Stops accepting and releases the port; an unclaimed left connection is closed. Waits (briefly) for the
     * accept thread to leave its blocking accept(): only then has the kernel really closed the listening
     * socket, so the port is free when this returns.
     */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        handshakes.shutdownNow();
        left.completeExceptionally(new CollectiveException("endpoint of rank " + table.rank() + " closed"));
    }
}
