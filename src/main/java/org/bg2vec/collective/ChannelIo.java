package org.bg2vec.collective;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Blocking-style reads and writes with an absolute deadline on a non-blocking channel (the connection
 * handshake; the ring operations use {@link RingLink}).
 */
final class ChannelIo implements AutoCloseable {

    private final SocketChannel channel;
    private final Selector selector;
    private final String peer;

    /** {@code peer} names the other side in error messages. */
    ChannelIo(SocketChannel channel, String peer) throws IOException {
        this.channel = channel;
        this.peer = peer;
        channel.configureBlocking(false);
        this.selector = Selector.open();
    }

    void readFully(ByteBuffer buf, long deadlineNanos, String what) throws IOException {
        SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
        try {
            while (buf.hasRemaining()) {
                int n = channel.read(buf);
                if (n < 0) {
                    throw new IOException(peer + " closed the connection while this side waited for " + what);
                }
                if (n == 0) {
                    await(deadlineNanos, what);
                }
            }
        } finally {
            key.cancel();
            selector.selectNow();
        }
    }

    void writeFully(ByteBuffer buf, long deadlineNanos, String what) throws IOException {
        SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
        try {
            while (buf.hasRemaining()) {
                if (channel.write(buf) == 0) {
                    await(deadlineNanos, what);
                }
            }
        } finally {
            key.cancel();
            selector.selectNow();
        }
    }

    private void await(long deadlineNanos, String what) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new java.io.InterruptedIOException("interrupted while waiting for " + what + " from " + peer);
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new java.net.SocketTimeoutException("timed out waiting for " + what + " from " + peer);
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
    }

    /** Makes a waiting read or write look again at once (after the channel was closed from another thread). */
    void wakeup() {
        selector.wakeup();
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }
}
