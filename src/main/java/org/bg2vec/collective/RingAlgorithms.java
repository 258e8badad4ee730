package org.bg2vec.collective;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The ring schedules, as sequences of {@link RingTransfer.Frame}s (frame i carries step number i). {@code data}
 * buffers are little-endian byte views with position 0.
 */
final class RingAlgorithms {

    private RingAlgorithms() {
    }

    /** First float of segment {@code i} when {@code n} floats are split into {@code w} near-equal segments. */
    static int segmentStart(int n, int w, int i) {
        int base = n / w;
        int extra = n % w;
        return i * base + Math.min(i, extra);
    }

    /** Floats in segment {@code i} (the first n mod w segments hold one more). */
    static int segmentLength(int n, int w, int i) {
        return n / w + (i < n % w ? 1 : 0);
    }

    /**
     * Reduce-scatter then all-gather, as one pipelined stream of 2(W-1) frames each way. After frame s of
     * the reduce-scatter, rank r holds the partial sum of segment (r-s-1) over ranks r-s-1..r; after W-1
     * frames, segment (r+1) is complete and the all-gather passes the complete segments around the ring.
     * Every frame after the first sends the segment the previous frame received, so it is forwarded chunk
     * by chunk as soon as it is reduced (or received), not after the whole step. Segment j's sum is
     * x[j+W-1] + (... + (x[j+1] + x[j])) on every rank and in every run, however the bytes are chunked.
     */
    static void allReduceSum(RingLink link, int seq, int r, int w, ByteBuffer data, int n, ByteBuffer scratch) {
        List<RingTransfer.Frame> frames = new ArrayList<>();
        for (int s = 0; s < w - 1; s++) {
            int sendSeg = Math.floorMod(r - s, w);
            int recvSeg = Math.floorMod(r - s - 1, w);
            frames.add(new RingTransfer.Frame(segment(data, n, w, sendSeg),
                    Sink.addInto(data, segmentStart(n, w, recvSeg), segmentLength(n, w, recvSeg), scratch),
                    s == 0 ? RingTransfer.Frame.FREE : s - 1));
        }
        for (int s = 0; s < w - 1; s++) {
            int sendSeg = Math.floorMod(r + 1 - s, w);
            int recvSeg = Math.floorMod(r - s, w);
            frames.add(new RingTransfer.Frame(segment(data, n, w, sendSeg), Sink.into(segment(data, n, w, recvSeg)),
                    frames.size() - 1));
        }
        run(link, OpKind.ALL_REDUCE_SUM, OpKind.ALL_REDUCE_SUM.apiName() + " #" + seq, seq, frames);
    }

    /** Ring all-gather of equal blocks, pipelined; this rank's block is already in place in {@code out}. */
    static void allGather(RingLink link, int seq, int r, int w, ByteBuffer out, int block) {
        List<RingTransfer.Frame> frames = new ArrayList<>();
        for (int s = 0; s < w - 1; s++) {
            int sendBlock = Math.floorMod(r - s, w);
            int recvBlock = Math.floorMod(r - s - 1, w);
            frames.add(new RingTransfer.Frame(out.slice(4 * sendBlock * block, 4 * block),
                    Sink.into(out.slice(4 * recvBlock * block, 4 * block)), s == 0 ? RingTransfer.Frame.FREE : s - 1));
        }
        run(link, OpKind.ALL_GATHER, OpKind.ALL_GATHER.apiName() + " #" + seq, seq, frames);
    }

    /** Pipelined ring pass from {@code root}: every other rank forwards bytes as they arrive. */
    static void broadcast(RingLink link, int seq, int r, int w, ByteBuffer data, int root) {
        int distance = Math.floorMod(r - root, w);
        boolean sends = distance != w - 1;
        boolean receives = distance != 0;
        RingTransfer.Frame frame = new RingTransfer.Frame(sends ? data.duplicate() : null, receives ? Sink.into(data) : null,
                sends && receives ? 0 : RingTransfer.Frame.FREE);
        run(link, OpKind.BROADCAST, OpKind.BROADCAST.apiName() + " #" + seq + " from rank " + root, seq, List.of(frame));
    }

    /**
     * W-1 empty ring frames, each sent only after the previous one arrived: the last arrives only after
     * every rank entered the barrier.
     */
    static void barrier(RingLink link, int seq, int w) {
        ByteBuffer empty = ByteBuffer.allocate(0);
        List<RingTransfer.Frame> frames = new ArrayList<>();
        for (int s = 0; s < w - 1; s++) {
            frames.add(new RingTransfer.Frame(empty.duplicate(), Sink.into(empty), s == 0 ? RingTransfer.Frame.FREE : s - 1));
        }
        run(link, OpKind.BARRIER, OpKind.BARRIER.apiName() + " #" + seq, seq, frames);
    }

    private static void run(RingLink link, OpKind kind, String op, int seq, List<RingTransfer.Frame> frames) {
        if (!frames.isEmpty()) {
            link.run(op, kind, seq, frames);
        }
    }

    private static ByteBuffer segment(ByteBuffer data, int n, int w, int i) {
        return data.slice(4 * segmentStart(n, w, i), 4 * segmentLength(n, w, i));
    }
}
