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
 * a ring operation overlap (see {@link Frame}).
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
    private final ByteBuffer sendHeader = ByteBuffer.allocateDirect(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer recvHeader = ByteBuffer.allocateDirect(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer control = ByteBuffer.allocate(HEADER + MAX_REASON).order(ByteOrder.LITTLE_ENDIAN);
    private boolean rightClosed;
    private boolean sendMidFrame;

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
    }

    /** Wakes an operation blocked in select (after the local failure reason was set). */
    void wakeup() {
        selector.wakeup();
    }

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

    /**
     * Runs the frames of one operation: sends them in order to the right while receiving the matching
     * frames in order from the left, non-blocking, failing when nothing moved for the operation timeout.
     */
    void run(String op, OpKind kind, int seq, List<Frame> frames) {
        Progress p = new Progress(frames);
        try {
            if (!rightClosed) {
                readControl(op, p.sending()); // an abort that arrived between operations
            }
            if (p.sending() && rightClosed) {
                throw new CollectiveException(op + ": " + rightName + " has closed its connection");
            }
            long lastProgress = System.nanoTime();
            while (p.sending() || p.receiving()) {
                String failure = localFailure.get();
                if (failure != null) {
                    throw new CollectiveException(op + ": " + failure);
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new CollectiveException(op + ": interrupted (the task was killed or cancelled)");
                }
                boolean progress = p.receiving() && receiveSome(op, kind, seq, p);
                progress |= p.sending() && sendSome(kind, seq, p);
                long now = System.nanoTime();
                if (progress) {
                    lastProgress = now;
                    continue;
                }
                if (!p.sending() && !p.receiving()) {
                    break;
                }
                long idle = now - lastProgress;
                if (idle >= timeoutNanos) {
                    throw timeout(op, p.receiving() ? p.recvIdx : p.sendIdx, p.receiving());
                }
                awaitReady(op, p, idle);
            }
        } catch (IOException e) {
            salvageAbort(op);
            String peer = p.receiving() ? leftName : rightName;
            throw new CollectiveException(op + ": connection to " + peer + " failed: " + e.getMessage(), e);
        }
    }

    /** Waits in select for the left to be readable and/or the right writable (when there is data to send). */
    private void awaitReady(String op, Progress p, long idle) throws IOException {
        boolean canWrite = p.payload != null && (sendHeader.hasRemaining() || p.payload.hasRemaining());
        rightKey.interestOps((canWrite ? SelectionKey.OP_WRITE : 0) | (rightClosed ? 0 : SelectionKey.OP_READ));
        leftKey.interestOps(p.receiving() ? SelectionKey.OP_READ : 0);
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos - idle)));
        boolean controlReady = rightKey.isValid() && rightKey.isReadable() && selector.selectedKeys().contains(rightKey);
        selector.selectedKeys().clear();
        if (controlReady) {
            readControl(op, p.sending());
        }
    }

    /** Writes what can be written now of the current send frame (header, then the ready payload). */
    private boolean sendSome(OpKind kind, int seq, Progress p) throws IOException {
        Frame f = p.frames.get(p.sendIdx);
        if (p.payload == null) {
            if (!p.started(f.gate())) {
                return false;
            }
            p.payload = f.send().slice();
            sendHeader.clear();
            sendHeader.putInt(DATA).putInt(kind.ordinal()).putInt(seq).putInt(p.sendIdx)
                    .putLong(p.payload.capacity()).flip();
            p.payload.limit(0);
            sendMidFrame = true;
        }
        boolean progress = false;
        if (sendHeader.hasRemaining()) {
            progress = right.write(sendHeader) > 0;
            if (sendHeader.hasRemaining()) {
                return progress;
            }
        }
        p.payload.limit((int) Math.min(p.payload.capacity(), p.ready(f.gate(), p.payload.capacity())));
        if (p.payload.hasRemaining()) {
            progress |= right.write(p.payload) > 0;
        }
        if (p.payload.position() == p.payload.capacity()) {
            sendMidFrame = false;
            p.payload = null;
            p.sendIdx = p.next(p.sendIdx + 1, true);
            progress = true;
        }
        return progress;
    }

    /** Reads what has arrived of the current receive frame (header, checked, then payload into its sink). */
    private boolean receiveSome(String op, OpKind kind, int seq, Progress p) throws IOException {
        Sink sink = p.frames.get(p.recvIdx).receive();
        boolean progress = false;
        if (!p.headerIn) {
            int n = left.read(recvHeader);
            if (n < 0) {
                throw closedWhileReceiving(op);
            }
            if (recvHeader.hasRemaining()) {
                return n > 0;
            }
            checkHeader(op, kind, seq, p.recvIdx, sink.size());
            p.headerIn = true;
            progress = true;
        } else if (sink.receivedBytes() < sink.size()) {
            int n = left.read(sink.next());
            if (n < 0) {
                throw closedWhileReceiving(op);
            }
            if (n > 0) {
                sink.received(n);
                progress = true;
            }
        }
        if (sink.receivedBytes() == sink.size()) {
            recvHeader.clear();
            p.headerIn = false;
            p.recvIdx = p.next(p.recvIdx + 1, false);
            progress = true;
        }
        return progress;
    }

    /** Where one operation's send and receive sides are. */
    private static final class Progress {
        final List<Frame> frames;
        int sendIdx;
        int recvIdx;
        /** Payload view of the send frame once its header is under way, else null. */
        ByteBuffer payload;
        boolean headerIn;

        Progress(List<Frame> frames) {
            this.frames = frames;
            this.sendIdx = next(0, true);
            this.recvIdx = next(0, false);
        }

        boolean sending() {
            return sendIdx < frames.size();
        }

        boolean receiving() {
            return recvIdx < frames.size();
        }

        /** The first frame at or after {@code i} that sends (or receives). */
        int next(int i, boolean send) {
            while (i < frames.size() && (send ? frames.get(i).send() : frames.get(i).receive()) == null) {
                i++;
            }
            return i;
        }

        /** True when frame {@code gate}'s header came in (always for FREE). */
        boolean started(int gate) {
            return gate == Frame.FREE || recvIdx > gate || (recvIdx == gate && headerIn);
        }

        /** Bytes of frame {@code gate}'s payload ready to forward ({@code all} for FREE). */
        long ready(int gate, long all) {
            if (gate == Frame.FREE || recvIdx > gate) {
                return all;
            }
            return recvIdx == gate ? frames.get(gate).receive().readyBytes() : 0;
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
        for (AutoCloseable c : new AutoCloseable[] {selector, right, left}) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing: nothing left to do with a failure here
            }
        }
    }
}
