package org.bg2vec.progress;

import org.bg2vec.net.Daemons;
import org.bg2vec.net.RateLimitedWarnings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Driver side of the progress channel: workers (rank 0) send their per-step lines here so that they
 * appear in the driver log on a cluster too, where executor logs stay on the executors. A client
 * must open with the relay's token (a per-job random string travelling inside the Spark closure) as its
 * first line; others are dropped and logged.
 *
 * <p>One thread serves every connection (non-blocking), so strangers cannot make it start threads. Before
 * a client has proved the token it gets {@link #MAX_TOKEN_LINE} bytes and one overall deadline to do so,
 * and at most {@link #MAX_PENDING} such connections are held (a new one pushes out the oldest); at most
 * {@link #MAX_CLIENTS} authenticated clients are served, each through a buffer of one line
 * ({@link #MAX_LINE} bytes, longer lines are cut). Memory use is therefore bounded whatever arrives.
 */
public final class ProgressRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressRelay.class);
    static final int MAX_LINE = 64 * 1024;
    /** Bytes a client may send before its token line must have ended. */
    static final int MAX_TOKEN_LINE = 1024;
    /** Connections held while they have not shown the token yet. */
    static final int MAX_PENDING = 32;
    /** Authenticated clients served at once (rank 0 is the only one; a few leave room for retries). */
    static final int MAX_CLIENTS = 8;
    static final Duration TOKEN_DEADLINE = Duration.ofSeconds(10);
    /** Refusals logged per minute; the rest are counted and summarised. */
    private static final int WARNINGS_PER_MINUTE = 20;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final byte[] token;
    private final Consumer<String> sink;
    private final long tokenDeadlineNanos;
    private final Deque<Connection> pending = new ArrayDeque<>();
    private final RateLimitedWarnings warnings = new RateLimitedWarnings(LOG, WARNINGS_PER_MINUTE);
    private final Thread thread;
    private int clients;
    private volatile boolean closed;

    /**
     * @param bindHost address the workers can reach (the driver host); null = all interfaces
     * @param token    per-job secret clients must present
     * @param sink     receives every line (called from the relay thread)
     */
    public ProgressRelay(String bindHost, String token, Consumer<String> sink) throws IOException {
        this(bindHost, token, sink, TOKEN_DEADLINE);
    }

    ProgressRelay(String bindHost, String token, Consumer<String> sink, Duration tokenDeadline) throws IOException {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        if (this.token.length + 2 > MAX_TOKEN_LINE || token.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("the progress token must be one line under " + MAX_TOKEN_LINE + " bytes");
        }
        this.sink = sink;
        this.tokenDeadlineNanos = tokenDeadline.toNanos();
        this.server = ServerSocketChannel.open();
        this.selector = Selector.open();
        try {
            server.bind(new InetSocketAddress(bindHost == null ? null : InetAddress.getByName(bindHost), 0), 64);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            server.close();
            selector.close();
            throw e;
        }
        this.thread = Daemons.create("bg2vec-progress-relay", this::loop);
        this.thread.start();
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    private void loop() {
        try {
            while (!closed) {
                expirePending();
                long wait = pending.isEmpty() ? 0
                        : Math.max(1, TimeUnit.NANOSECONDS.toMillis(pending.peekFirst().deadline - System.nanoTime()));
                selector.select(wait);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        acceptAll();
                    } else if (key.isReadable()) {
                        read((Connection) key.attachment());
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.warn("progress relay stopped: {}; progress stays in the executor logs", e.toString());
            }
        } finally {
            closeEverything();
        }
    }

    private void acceptAll() throws IOException {
        for (SocketChannel ch; (ch = server.accept()) != null; ) {
            ch.configureBlocking(false);
            Connection c = new Connection(ch, System.nanoTime() + tokenDeadlineNanos);
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
            pending.addLast(c);
            if (pending.size() > MAX_PENDING) {
                refuse(pending.peekFirst(), "pushed out by newer connections before it sent the job token");
            }
        }
    }

    /** Pending connections are in arrival order, so their deadlines are too. */
    private void expirePending() {
        long now = System.nanoTime();
        while (!pending.isEmpty() && pending.peekFirst().deadline - now <= 0) {
            refuse(pending.peekFirst(), "sent no job token within " + TimeUnit.NANOSECONDS.toMillis(tokenDeadlineNanos) + " ms");
        }
    }

    private void read(Connection c) {
        try {
            int n = c.channel.read(c.buffer);
            if (n < 0) {
                if (!c.authenticated) {
                    refuse(c, "closed the connection without sending the job token");
                } else {
                    c.flushPartialLine(sink);
                    drop(c);
                }
                return;
            }
            if (!c.authenticated) {
                checkToken(c);
            }
            if (c.authenticated) {
                c.deliverLines(sink);
            }
        } catch (IOException e) {
            LOG.debug("progress relay client {} ended: {}", c.remote, e.toString());
            drop(c);
        } catch (RuntimeException e) {
            LOG.warn("progress relay: delivering a line from {} failed: {}", c.remote, e.toString());
        }
    }

    /** Looks for the end of the token line; authenticates, refuses, or waits for more bytes. */
    private void checkToken(Connection c) {
        int end = c.indexOfNewline(0);
        if (end < 0) {
            if (!c.buffer.hasRemaining()) {
                refuse(c, "sent " + MAX_TOKEN_LINE + " bytes without the job token");
            }
            return;
        }
        byte[] first = new byte[end];
        c.buffer.get(0, first);
        if (!MessageDigest.isEqual(first, token)) {
            refuse(c, "did not send the job token");
            return;
        }
        pending.remove(c);
        if (clients >= MAX_CLIENTS) {
            refuse(c, "the job token is right, but " + MAX_CLIENTS + " clients are connected already");
            return;
        }
        clients++;
        c.authenticate(end + 1);
    }

    private void refuse(Connection c, String why) {
        warnings.warn("progress relay: refused a connection from " + c.remote + ": it " + why);
        pending.remove(c);
        c.close();
    }

    private void drop(Connection c) {
        if (c.authenticated) {
            clients--;
        }
        pending.remove(c);
        c.close();
    }

    private void closeEverything() {
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Connection c) {
                c.close();
            }
        }
        pending.clear();
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** Stops the relay thread, closes every client connection and the port. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        Daemons.join(thread, 5_000);
    }

    /** One client: its channel, its unread bytes, and whether it showed the token. */
    private static final class Connection {
        final SocketChannel channel;
        final SocketAddress remote;
        final long deadline;
        SelectionKey key;
        ByteBuffer buffer = ByteBuffer.allocate(MAX_TOKEN_LINE);
        boolean authenticated;
        /** The current line is longer than MAX_LINE: its first MAX_LINE bytes went out, skip to its end. */
        boolean skipping;

        Connection(SocketChannel channel, long deadline) {
            this.channel = channel;
            this.remote = remoteOf(channel);
            this.deadline = deadline;
        }

        int indexOfNewline(int from) {
            for (int i = from; i < buffer.position(); i++) {
                if (buffer.get(i) == '\n') {
                    return i;
                }
            }
            return -1;
        }

        /** Switches to line mode; the bytes after the token line are the first line data. */
        void authenticate(int consumed) {
            ByteBuffer lines = ByteBuffer.allocate(MAX_LINE + 1);
            lines.put(buffer.flip().position(consumed));
            buffer = lines;
            authenticated = true;
        }

        /** Hands complete lines to the sink; a line longer than MAX_LINE is cut there. */
        void deliverLines(Consumer<String> sink) {
            int start = 0;
            for (int end; (end = indexOfNewline(start)) >= 0; start = end + 1) {
                if (!skipping) {
                    sink.accept(text(start, end));
                }
                skipping = false;
            }
            buffer.flip().position(start);
            buffer.compact();
            if (!buffer.hasRemaining()) {
                if (!skipping) {
                    sink.accept(text(0, MAX_LINE));
                }
                skipping = true;
                buffer.clear();
            }
        }

        void flushPartialLine(Consumer<String> sink) {
            if (buffer.position() > 0 && !skipping) {
                sink.accept(text(0, buffer.position()));
            }
        }

        private String text(int from, int to) {
            int end = Math.min(to, from + MAX_LINE);
            if (end > from && buffer.get(end - 1) == '\r') {
                end--;
            }
            byte[] b = new byte[end - from];
            buffer.get(from, b);
            return new String(b, StandardCharsets.UTF_8);
        }

        void close() {
            if (key != null) {
                key.cancel();
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing
            }
        }

        private static SocketAddress remoteOf(SocketChannel ch) {
            try {
                return ch.getRemoteAddress();
            } catch (IOException e) {
                return null;
            }
        }
    }
}
