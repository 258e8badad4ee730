package org.bg2vec.collective;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * One rank's two authenticated ring connections and the full-duplex frame engine: send an operation's
 * frames to the right neighbour while receiving its frames from the left, non-blocking, with an inactivity
 * timeout. A frame that forwards received data goes out chunk by chunk as the data arrives, so the steps of
 * a ring operation overlap (see {@link RingTransfer.Frame}).
 *
 * <p>Data flows rightward only. The right connection's reverse direction (and the left connection's,
 * seen from the left neighbour) carries nothing but control frames, so an ABORT can always be sent
 * leftward at a frame boundary; rightward it is sent only when no data frame is half-written.
 * Frame header (24 bytes, little-endian): type, op kind (ABORT: origin rank), op sequence, step, payload length.
 */
final class RingLink implements AutoCloseable {

    static final int HEADER = 24;
    static final int DATA = 1;
    static final int ABORT = 2;
    private static final int MAX_REASON = 4096;
    /** Socket buffer size asked for (the kernel may cap it): deep enough to keep a fast link busy. */
    private static final int SOCKET_BUFFER = 4 << 20;

    private final SocketChannel right;
    private final SocketChannel left;
    private final String rightName;
    private final String leftName;
    private final IntFunction<String> describeRank;
    private final long timeoutNanos;
    private final Supplier<String> localFailure;
    private final Selector selector;
    private final SelectionKey rightKey;
    private final SelectionKey leftKey;
    private final ByteBuffer recvHeader = ByteBuffer.allocateDirect(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer control = ByteBuffer.allocate(HEADER + MAX_REASON).order(ByteOrder.LITTLE_ENDIAN);
    private final RingSender sender;
    private boolean rightClosed;
    /** Whether the last operation stopped in the middle of a data frame (then no ABORT goes rightward). */
    private volatile boolean sendMidFrame;

    /**
     * @param localFailure returns this rank's failure/abort reason, or null while healthy (checked every loop)
     */
    RingLink(SocketChannel right, String rightName, SocketChannel left, String leftName,
             IntFunction<String> describeRank, long timeoutNanos, Supplier<String> localFailure) throws IOException {
        this.right = right;
        this.left = left;
        this.rightName = rightName;
        this.leftName = leftName;
        this.describeRank = describeRank;
        this.timeoutNanos = timeoutNanos;
        this.localFailure = localFailure;
        for (SocketChannel ch : new SocketChannel[] {right, left}) {
            ch.configureBlocking(false);
            ch.socket().setTcpNoDelay(true);
            ch.socket().setSendBufferSize(SOCKET_BUFFER);
            ch.socket().setReceiveBufferSize(SOCKET_BUFFER);
        }
        this.selector = Selector.open();
        this.rightKey = right.register(selector, SelectionKey.OP_READ);
        this.leftKey = left.register(selector, 0);
        this.sender = new RingSender(right, "bg2vec-collective-send-" + rightName, selector::wakeup);
    }

    /** Wakes an operation blocked in select (after the local failure reason was set). */
    void wakeup() {
        selector.wakeup();
    }

    /**
     * Runs the frames of one operation: sends them in order to the right while receiving the matching frames
     * in order from the left (reducing as they arrive), failing when nothing moved either way for the
     * operation timeout. This thread writes whatever is ready while the socket takes it; the
     * {@link RingSender} continues when the socket is full. When this returns or throws, no thread writes
     * from the operation's buffers any more.
     */
    void run(String op, OpKind kind, int seq, List<RingTransfer.Frame> frames) {
        RingTransfer t = new RingTransfer(kind, seq, frames);
        try {
            if (!rightClosed) {
                readControl(op, !t.allSent()); // an abort that arrived between operations
            }
            if (!t.allSent() && rightClosed) {
                throw new CollectiveException(op + ": " + rightName + " has closed its connection");
            }
            sender.start(t);
            receiveAll(op, t);
        } catch (IOException e) {
            salvageAbort(op);
            throw new CollectiveException(op + ": connection to " + leftName + " failed: " + e.getMessage(), e);
        } finally {
            t.finish();
            sendMidFrame = t.midFrame();
        }
    }

    private void receiveAll(String op, RingTransfer t) throws IOException {
        int[] frame = {t.next(0, false)};
        int n = t.frames.size();
        long lastProgress = System.nanoTime();
        while (true) {
            String failure = localFailure.get();
            if (failure != null) {
                throw new CollectiveException(op + ": " + failure);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new CollectiveException(op + ": interrupted (the task was killed or cancelled)");
            }
            writeReady(op, t);
            if (frame[0] == n && t.allSent()) {
                return;
            }
            long now = System.nanoTime();
            if (frame[0] < n && receiveSome(op, t, frame)) {
                lastProgress = now;
                continue;
            }
            long idle = now - Math.max(lastProgress, t.lastSendProgress());
            if (idle >= timeoutNanos) {
                throw timeout(op, Math.min(frame[0], n - 1), frame[0] < n);
            }
            awaitReady(op, frame[0] < n, !t.allSent(), idle);
        }
    }

    /**
     * Reads what has arrived of frame {@code frame[0]} (its header, checked, then its payload into its sink)
     * and publishes the progress; moves {@code frame[0]} on when the frame is complete. True if anything moved.
     */
    private boolean receiveSome(String op, RingTransfer t, int[] frame) throws IOException {
        Sink sink = t.frames.get(frame[0]).receive();
        boolean headerIn = !recvHeader.hasRemaining();
        boolean progress = false;
        if (!headerIn) {
            int got = left.read(recvHeader);
            if (got < 0) {
                throw closedWhileReceiving(op);
            }
            progress = got > 0;
            headerIn = !recvHeader.hasRemaining();
            if (headerIn) {
                checkHeader(op, t.kind, t.seq, frame[0], sink.size());
                t.headerIn(frame[0]);
            }
        } else if (sink.receivedBytes() < sink.size()) {
            int got = left.read(sink.next());
            if (got < 0) {
                throw closedWhileReceiving(op);
            }
            if (got > 0) {
                progress = true;
                sink.received(got);
                t.ready(sink.readyBytes());
            }
        }
        if (headerIn && sink.receivedBytes() == sink.size()) {
            t.frameIn(frame[0]);
            recvHeader.clear();
            frame[0] = t.next(frame[0] + 1, false);
            progress = true;
        }
        return progress;
    }

    /** Writes what is ready (or hands it to the sender); fails with the sender's error, if it had one. */
    private void writeReady(String op, RingTransfer t) {
        IOException e = t.sendError();
        if (e == null) {
            try {
                t.writeReady(right);
                return;
            } catch (IOException writeError) {
                e = writeError;
            }
        }
        salvageAbort(op);
        throw new CollectiveException(op + ": connection to " + rightName + " failed: " + e.getMessage(), e);
    }

    /** Waits in select for data from the left (while receiving) or a control frame from the right. */
    private void awaitReady(String op, boolean receiving, boolean sending, long idle) throws IOException {
        rightKey.interestOps(rightClosed ? 0 : SelectionKey.OP_READ);
        leftKey.interestOps(receiving ? SelectionKey.OP_READ : 0);
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos - idle)));
        boolean controlReady = rightKey.isValid() && rightKey.isReadable() && selector.selectedKeys().contains(rightKey);
        selector.selectedKeys().clear();
        if (controlReady) {
            readControl(op, sending);
        }
    }

    private void checkHeader(String op, OpKind kind, int seq, int step, long size) throws IOException {
        recvHeader.flip();
        int type = recvHeader.getInt();
        int gotKind = recvHeader.getInt();
        int gotSeq = recvHeader.getInt();
        int gotStep = recvHeader.getInt();
        long gotSize = recvHeader.getLong();
        if (type == ABORT) {
            throw abortedBy(gotKind, readReason(left, gotSize));
        }
        if (type != DATA) {
            throw new CollectiveException(op + ": " + leftName + " sent an invalid frame (type " + type + ")");
        }
        if (gotKind != kind.ordinal() || gotSeq != seq || gotStep != step || gotSize != size) {
            throw new CollectiveException(op + ": out of step with " + leftName + ": it sent "
                    + OpKind.nameOf(gotKind) + " #" + gotSeq + " step " + gotStep + " (" + gotSize
                    + " bytes) while this rank expected " + kind.apiName() + " #" + seq + " step " + step + " ("
                    + size + " bytes); every rank must call the same operations in the same order with the same sizes");
        }
    }

    /** Reads control frames that arrived from the right neighbour; EOF only matters while sending to it. */
    private void readControl(String op, boolean sending) throws IOException {
        int n = right.read(control);
        if (n < 0) {
            rightClosed = true;
            if (sending) {
                throw new CollectiveException(op + ": " + rightName + " closed its connection"
                        + " (it failed, was aborted or closed the collective early)");
            }
            return;
        }
        if (control.position() < HEADER) {
            return;
        }
        int type = control.getInt(0);
        int origin = control.getInt(4);
        long len = control.getLong(16);
        if (type != ABORT || len < 0 || len > MAX_REASON) {
            throw new CollectiveException(op + ": " + rightName + " sent an invalid control frame (type " + type + ")");
        }
        if (control.position() >= HEADER + len) {
            byte[] reason = new byte[(int) len];
            control.get(HEADER, reason);
            throw abortedBy(origin, new String(reason, StandardCharsets.UTF_8));
        }
    }

    /** After an I/O error: if the right neighbour sent an ABORT before it went away, report that instead. */
    private void salvageAbort(String op) {
        if (rightClosed) {
            return;
        }
        try {
            readControl(op, false);
        } catch (IOException ignored) {
            // no reason to recover: the original error is reported
        }
    }

    private CollectiveException abortedBy(int origin, String reason) {
        return new CollectiveException("collective aborted by " + describeRank.apply(origin) + ": " + reason);
    }

    private String readReason(SocketChannel ch, long len) throws IOException {
        if (len < 0 || len > MAX_REASON) {
            return "(no reason given)";
        }
        ByteBuffer buf = ByteBuffer.allocate((int) len);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (buf.hasRemaining() && System.nanoTime() < deadline) {
            if (ch.read(buf) < 0) {
                break;
            }
            if (buf.hasRemaining()) {
                sleepBriefly();
            }
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }

    private CollectiveException closedWhileReceiving(String op) {
        return new CollectiveException(op + ": " + leftName + " closed its connection before sending its data"
                + " (it failed, was aborted or closed the collective early)");
    }

    private CollectiveException timeout(String op, int step, boolean receiving) {
        long ms = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
        String awaited = receiving ? "data from " + leftName : rightName + " to accept data";
        return new CollectiveException(op + " (step " + step + "): timed out after " + ms
                + " ms (operation timeout) waiting for " + awaited
                + "; it died, hangs, is still computing, or did not call this operation");
    }

    /**
     * Best effort: tells both neighbours this rank aborted with {@code reason} (rightward only at a frame
     * boundary), waiting at most about {@code waitMillis} for the socket buffers.
     */
    void sendAbort(int originRank, String reason, long waitMillis) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(text.length, MAX_REASON);
        ByteBuffer frame = ByteBuffer.allocate(HEADER + len).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(ABORT).putInt(originRank).putInt(0).putInt(0).putLong(len).put(text, 0, len).flip();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        writeQuietly(left, frame.duplicate(), deadline);
        if (!sendMidFrame && !rightClosed) {
            writeQuietly(right, frame.duplicate(), deadline);
        }
    }

    private static void writeQuietly(SocketChannel ch, ByteBuffer buf, long deadline) {
        try {
            while (buf.hasRemaining() && ch.isOpen()) {
                if (ch.write(buf) == 0) {
                    if (System.nanoTime() > deadline) {
                        return;
                    }
                    sleepBriefly();
                }
            }
        } catch (IOException ignored) {
            // the peer is gone already: nothing to tell it
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {sender, selector, right, left}) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing: nothing left to do with a failure here
            }
        }
    }
}
