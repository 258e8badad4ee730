package org.bg2vec.collective;

import org.bg2vec.net.Daemons;
import org.bg2vec.net.RateLimitedWarnings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Accepts connections on a rank's endpoint for the lifetime of its collective. Each one must pass the
 * {@link Handshake} within its own short deadline ({@link #HANDSHAKE_TIMEOUT}, or the connect timeout if
 * shorter) and come from the expected left ring neighbour; the first that does completes {@link #left()}.
 * Everything else (no or a wrong secret, a port scanner, a second connection) is refused, closed and logged
 * at WARN with the remote address (at a bounded rate); it never disturbs the job.
 *
 * <p>Handshakes run on daemon threads, at most {@link #MAX_CONCURRENT_HANDSHAKES} at once: a new connection
 * beyond that pushes out the oldest one still in its handshake, so silent strangers holding connections
 * open cannot keep the real neighbour out (its handshake takes milliseconds). Persistent accept() errors
 * (e.g. out of file descriptors) are retried with an exponential back-off instead of a busy loop.
 */
final class Acceptor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Acceptor.class);
    static final int MAX_CONCURRENT_HANDSHAKES = 8;
    /** A peer of this job answers within milliseconds; a stranger is cut off after this. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    static final long MIN_BACKOFF_MILLIS = 10;
    static final long MAX_BACKOFF_MILLIS = 1_000;
    private static final int WARNINGS_PER_MINUTE = 20;

    private final ServerSocketChannel server;
    private final PeerTable table;
    private final int expectedLeft;
    private final long handshakeNanos;
    private final CompletableFuture<SocketChannel> left = new CompletableFuture<>();
    private final ExecutorService handshakes;
    private final Deque<Pending> inProgress = new ArrayDeque<>();
    private final RateLimitedWarnings warnings = new RateLimitedWarnings(LOG, WARNINGS_PER_MINUTE);
    private final Thread thread;

    Acceptor(ServerSocketChannel server, PeerTable table, int expectedLeft) {
        this.server = server;
        this.table = table;
        this.expectedLeft = expectedLeft;
        this.handshakeNanos = Math.min(table.connectTimeout().toNanos(), HANDSHAKE_TIMEOUT.toNanos());
        this.handshakes = Executors.newCachedThreadPool(
                r -> Daemons.create("bg2vec-collective-handshake-rank-" + table.rank(), r));
        this.thread = Daemons.create("bg2vec-collective-accept-rank-" + table.rank(), this::acceptLoop);
    }

    void start() {
        thread.start();
    }

    /** Completes with the authenticated connection from the left neighbour. */
    CompletableFuture<SocketChannel> left() {
        return left;
    }

    private void acceptLoop() {
        long backoff = 0;
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
                backoff = 0;
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                backoff = Math.min(MAX_BACKOFF_MILLIS, Math.max(MIN_BACKOFF_MILLIS, 2 * backoff));
                warnings.warn("rank " + table.rank() + ": accepting a collective connection failed: " + e
                        + "; retrying in " + backoff + " ms");
                if (!sleep(backoff)) {
                    return;
                }
                continue;
            }
            admit(ch);
        }
    }

    /** Starts the handshake of a new connection, pushing out the oldest one in progress when all slots are taken. */
    private void admit(SocketChannel ch) {
        Pending p = new Pending(ch);
        synchronized (inProgress) {
            if (inProgress.size() >= MAX_CONCURRENT_HANDSHAKES) {
                inProgress.pollFirst().pushOut();
            }
            inProgress.addLast(p);
        }
        try {
            handshakes.execute(() -> authenticate(p));
        } catch (RejectedExecutionException e) { // closing
            finished(p);
            closeQuietly(ch);
        }
    }

    private void authenticate(Pending p) {
        SocketChannel ch = p.channel;
        SocketAddress remote = remote(ch);
        long deadline = System.nanoTime() + handshakeNanos;
        int expected = left.isDone() ? -1 : expectedLeft;
        try (ChannelIo io = new ChannelIo(ch, "connection from " + remote)) {
            p.io = io;
            if (p.pushedOut) {
                throw new IOException("pushed out");
            }
            Handshake.server(io, table.secret(), table.size(), table.rank(), expected, deadline, () -> claim(p));
        } catch (Handshake.RefusedException e) {
            refuse(p, remote, e.getMessage());
            return;
        } catch (IOException | RuntimeException e) {
            refuse(p, remote, p.pushedOut
                    ? "its handshake was cut short: " + MAX_CONCURRENT_HANDSHAKES + " newer connections arrived"
                    : "handshake failed (a stranger, or a peer with another job secret): " + e.getMessage());
            return;
        } finally {
            finished(p);
        }
        if (!left.complete(ch)) {
            warnings.warn("rank " + table.rank() + ": refused a second connection from " + table.describe(expectedLeft)
                    + " (" + remote + ")");
            closeQuietly(ch);
        }
    }

    private void refuse(Pending p, SocketAddress remote, String why) {
        warnings.warn("rank " + table.rank() + ": refused collective connection from " + remote + ": " + why);
        closeQuietly(p.channel);
    }

    /** Takes a connection that proved the secret out of reach of {@link Pending#pushOut()}; false if too late. */
    private boolean claim(Pending p) {
        synchronized (inProgress) {
            return !p.pushedOut && inProgress.remove(p);
        }
    }

    private void finished(Pending p) {
        synchronized (inProgress) {
            inProgress.remove(p);
        }
    }

    /** A connection in its handshake (in {@code inProgress} until it finished or proved the secret). */
    private static final class Pending {
        final SocketChannel channel;
        volatile ChannelIo io;
        /** Set under the inProgress lock. */
        volatile boolean pushedOut;

        Pending(SocketChannel channel) {
            this.channel = channel;
        }

        /** Ends the handshake at once: its channel closes and its thread wakes up. */
        void pushOut() {
            pushedOut = true;
            closeQuietly(channel);
            ChannelIo i = io;
            if (i != null) {
                i.wakeup();
            }
        }
    }

    /** Sleeps for the accept back-off; false when the acceptor is closing. */
    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
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
        if (Thread.currentThread() != thread) {
            thread.interrupt(); // ends an accept back-off sleep
            Daemons.join(thread, 5_000);
        }
        handshakes.shutdownNow();
        left.completeExceptionally(new CollectiveException("endpoint of rank " + table.rank() + " closed"));
    }
}
