package org.bg2vec.collective;

import org.bg2vec.net.Daemons;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A rank's helper thread that takes over writing an operation's frames to the right neighbour once the
 * socket was full, while the thread running the operation receives and reduces: on a machine with spare cores,
 * copying out and copying in overlap instead of taking turns. It writes only when asked
 * ({@link RingTransfer#writeReady}), only under the operation's write lock, and never decides timeouts
 * (the running thread does). It waits at most {@link #POLL_MILLIS} at a time, so it notices a finished
 * operation or {@link #close()} promptly.
 */
final class RingSender implements AutoCloseable {

    private static final long POLL_MILLIS = 50;

    private final SocketChannel right;
    private final Runnable wakeReceiver;
    private final Selector selector;
    private final Thread thread;
    private volatile RingTransfer job;
    private volatile boolean closed;

    /** @param wakeReceiver wakes the thread running the operation (when all is sent, or sending failed) */
    RingSender(SocketChannel right, String name, Runnable wakeReceiver) throws IOException {
        this.right = right;
        this.wakeReceiver = wakeReceiver;
        this.selector = Selector.open();
        right.register(selector, SelectionKey.OP_WRITE);
        this.thread = Daemons.create(name, this::loop);
        this.thread.start();
    }

    /** Makes {@code transfer} the operation this thread helps with (it acts only when asked). */
    void start(RingTransfer transfer) {
        transfer.attach(thread);
        job = transfer;
    }

    private void loop() {
        RingTransfer current = null;
        int handled = 0;
        try {
            while (!closed) {
                RingTransfer t = job;
                if (t != current) {
                    current = t;
                    handled = 0;
                }
                int asked = t == null ? 0 : t.requests();
                if (t == null || asked == handled || t.finished() || t.allSent() || t.sendError() != null) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
                    continue;
                }
                handled = writeOnce(t, asked, handled);
            }
        } finally {
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** One write attempt; returns the requests now handled (all of them unless the socket is still full). */
    private int writeOnce(RingTransfer t, int asked, int handled) {
        try {
            switch (t.write(right, Long.MAX_VALUE)) {
                case HAND_OVER -> {
                    selector.select(POLL_MILLIS);
                    selector.selectedKeys().clear();
                    return handled;
                }
                case ALL -> wakeReceiver.run();
                default -> {
                    // waiting for received data: the running thread writes it or asks again
                }
            }
        } catch (IOException e) {
            wakeReceiver.run(); // the error is recorded in the transfer; the running thread reports it
        }
        return asked;
    }

    /** Stops the thread and waits briefly for it. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        selector.wakeup();
        Daemons.join(thread, 5_000);
    }
}
