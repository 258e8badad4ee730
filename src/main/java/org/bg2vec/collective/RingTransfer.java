package org.bg2vec.collective;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One ring operation: its frames, how far the receiving side got, and the outgoing side, which two threads
 * may drive. The thread running the operation receives, reduces, publishes its progress and writes
 * whatever is ready; once the socket is full or it wrote {@link #EAGER_BYTES}, the link's
 * {@link RingSender} takes over the writing, so copying out and copying in overlap on a machine with spare
 * cores, while small operations never wait for a second thread to wake up.
 *
 * <p>Writes happen under one lock, and {@link #finish()} takes it too: once the operation has finished
 * (normally or not), no thread touches its buffers again.
 */
final class RingTransfer {

    /**
     * One frame each way of a ring operation; its step number is its index in the operation.
     *
     * @param send    bytes to send to the right (position..limit), or null: send nothing
     * @param receive where the frame from the left goes, or null: receive nothing
     * @param gate    {@link #FREE}, or the index of the frame whose received bytes this one forwards: its
     *                header goes out only after that frame's header came in, and its payload only as far
     *                as that frame's sink has made bytes ready (chunk-level pipelining across steps)
     */
    record Frame(ByteBuffer send, Sink receive, int gate) {
        static final int FREE = -1;
    }

    /** What a write attempt left behind. */
    enum Sent {
        /** Every frame is written. */
        ALL,
        /** The socket is full (or the caller's share is written): the sender goes on. */
        HAND_OVER,
        /** What is ready is written; the rest waits for received data. */
        AWAITING_DATA
    }

    /**
     * Bytes the running thread writes itself before the sender takes over: operations up to about this size
     * never wait for the sender to wake up; bigger ones get a second thread copying out early on.
     */
    static final long EAGER_BYTES = 4 << 20;

    final OpKind kind;
    final int seq;
    final List<Frame> frames;

    /** Frames below this index have their header in. */
    private volatile int headers;
    /** Frames below this index are completely received. */
    private volatile int received;
    /** Ready bytes of the frame being received (index headers - 1, when headers > received). */
    private volatile long currentReady;

    private final ReentrantLock writeLock = new ReentrantLock();
    private final ByteBuffer header = ByteBuffer.allocate(RingLink.HEADER).order(ByteOrder.LITTLE_ENDIAN);
    /** Guarded by writeLock: the frame being written and its payload view (null between frames). */
    private int sendFrame;
    private ByteBuffer payload;
    private long written;
    private volatile boolean finished;

    private volatile boolean allSent;
    private volatile boolean midFrame;
    private volatile IOException sendError;
    private volatile long lastSendProgress = System.nanoTime();
    /** Bumped whenever the sender should try (again); it parks only while this stays unchanged. */
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Thread sender;
    /** Only touched by the thread running the operation: the sender writes from now on. */
    private boolean handedOff;

    RingTransfer(OpKind kind, int seq, List<Frame> frames) {
        this.kind = kind;
        this.seq = seq;
        this.frames = frames;
        this.sendFrame = next(0, true);
        this.allSent = sendFrame == frames.size();
    }

    /** The first frame at or after {@code i} that sends (or receives); frames.size() when none. */
    int next(int i, boolean send) {
        while (i < frames.size() && (send ? frames.get(i).send() : frames.get(i).receive()) == null) {
            i++;
        }
        return i;
    }

    // ---- receiving side: published by the thread running the operation ----

    void headerIn(int frame) {
        currentReady = 0;
        headers = frame + 1;
    }

    void ready(long bytes) {
        currentReady = bytes;
    }

    void frameIn(int frame) {
        received = frame + 1;
    }

    /** True when frame {@code gate}'s header came in (always for FREE). */
    private boolean started(int gate) {
        return gate == Frame.FREE || headers > gate;
    }

    /** Bytes of frame {@code gate}'s payload that may be forwarded ({@code all} for FREE); never too many. */
    private long readyOf(int gate, long all) {
        if (gate == Frame.FREE || received > gate) {
            return all;
        }
        return headers > gate ? Math.min(all, currentReady) : 0;
    }

    // ---- sending side ----

    /**
     * From the thread running the operation, after it received something: writes what is ready while the
     * socket takes it. Once the socket was full, the sender owns the writing for the rest of the operation
     * (one thread copying out while this one copies in and reduces) and is only told that more is ready.
     */
    void writeReady(SocketChannel right) throws IOException {
        if (allSent) {
            return;
        }
        if (!handedOff) {
            Sent state = write(right, EAGER_BYTES);
            if (state != Sent.HAND_OVER) {
                return;
            }
            handedOff = true;
        }
        requests.incrementAndGet();
        LockSupport.unpark(sender);
    }

    /**
     * Writes frames in order as far as their data is ready and the socket takes it.
     *
     * Called by the running thread until the first full socket, then by the sender only.
     */
    Sent write(SocketChannel right, long upTo) throws IOException {
        writeLock.lock();
        try {
            if (finished || allSent) {
                return Sent.ALL;
            }
            return writeLocked(right, upTo);
        } catch (IOException e) {
            sendError = e;
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    private Sent writeLocked(SocketChannel right, long upTo) throws IOException {
        while (sendFrame < frames.size()) {
            int gate = frames.get(sendFrame).gate();
            if (payload == null) {
                if (!started(gate)) {
                    return Sent.AWAITING_DATA;
                }
                payload = frames.get(sendFrame).send().slice();
                header.clear();
                header.putInt(RingLink.DATA).putInt(kind.ordinal()).putInt(seq).putInt(sendFrame)
                        .putLong(payload.capacity()).flip();
                payload.limit(0);
                midFrame = true;
            }
            if (!drain(right, header, Long.MAX_VALUE)) {
                return Sent.HAND_OVER;
            }
            while (payload.position() < payload.capacity()) {
                payload.limit((int) readyOf(gate, payload.capacity()));
                if (!payload.hasRemaining()) {
                    return Sent.AWAITING_DATA;
                }
                if (!drain(right, payload, upTo)) {
                    return Sent.HAND_OVER;
                }
            }
            payload = null;
            midFrame = false;
            sendFrame = next(sendFrame + 1, true);
        }
        allSent = true;
        return Sent.ALL;
    }

    /**
     * Writes until {@code buf} is empty (true), or the socket takes no more or {@code upTo} bytes were written
     * in this operation (false).
     */
    private boolean drain(SocketChannel right, ByteBuffer buf, long upTo) throws IOException {
        int end = buf.limit();
        try {
            while (buf.hasRemaining()) {
                buf.limit((int) Math.min(end, buf.position() + Math.max(0, upTo - written)));
                int n = buf.hasRemaining() ? right.write(buf) : 0;
                if (n == 0) {
                    return false;
                }
                written += n;
                lastSendProgress = System.nanoTime();
                buf.limit(end);
            }
            return true;
        } finally {
            buf.limit(end);
        }
    }

    /** Ends the operation: afterwards no thread writes from its buffers. */
    void finish() {
        writeLock.lock();
        try {
            finished = true;
        } finally {
            writeLock.unlock();
        }
    }

    void attach(Thread senderThread) {
        sender = senderThread;
    }

    boolean finished() {
        return finished;
    }

    int requests() {
        return requests.get();
    }

    boolean allSent() {
        return allSent;
    }

    /** True while a data frame is partly written: then no ABORT frame may be sent rightward. */
    boolean midFrame() {
        return midFrame;
    }

    IOException sendError() {
        return sendError;
    }

    long lastSendProgress() {
        return lastSendProgress;
    }
}
