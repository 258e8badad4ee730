package org.bg2vec.collective;

import java.nio.ByteBuffer;

/**
 * The ring schedules, as sequences of {@link RingLink#exchange} steps. {@code data} buffers are
 * little-endian byte views with position 0.
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
     * Reduce-scatter then all-gather. After step s of the reduce-scatter, rank r holds the partial sum of
     * segment (r-s-1) over ranks r-s-1..r; after W-1 steps, segment (r+1) is complete and the all-gather
     * passes the complete segments around the ring.
     */
    static void allReduceSum(RingLink link, int seq, int r, int w, ByteBuffer data, int n, ByteBuffer scratch) {
        String op = OpKind.ALL_REDUCE_SUM.apiName() + " #" + seq;
        for (int s = 0; s < w - 1; s++) {
            int sendSeg = Math.floorMod(r - s, w);
            int recvSeg = Math.floorMod(r - s - 1, w);
            link.exchange(op, OpKind.ALL_REDUCE_SUM, seq, s, segment(data, n, w, sendSeg),
                    Sink.addInto(data, segmentStart(n, w, recvSeg), segmentLength(n, w, recvSeg), scratch), false);
        }
        for (int s = 0; s < w - 1; s++) {
            int sendSeg = Math.floorMod(r + 1 - s, w);
            int recvSeg = Math.floorMod(r - s, w);
            link.exchange(op, OpKind.ALL_REDUCE_SUM, seq, w - 1 + s, segment(data, n, w, sendSeg),
                    Sink.into(segment(data, n, w, recvSeg)), false);
        }
    }

    /** Ring all-gather of equal blocks; this rank's block is already in place in {@code out}. */
    static void allGather(RingLink link, int seq, int r, int w, ByteBuffer out, int block) {
        String op = OpKind.ALL_GATHER.apiName() + " #" + seq;
        for (int s = 0; s < w - 1; s++) {
            int sendBlock = Math.floorMod(r - s, w);
            int recvBlock = Math.floorMod(r - s - 1, w);
            link.exchange(op, OpKind.ALL_GATHER, seq, s, out.slice(4 * sendBlock * block, 4 * block),
                    Sink.into(out.slice(4 * recvBlock * block, 4 * block)), false);
        }
    }

    /** Pipelined ring pass from {@code root}: every other rank forwards bytes as they arrive. */
    static void broadcast(RingLink link, int seq, int r, int w, ByteBuffer data, int root) {
        String op = OpKind.BROADCAST.apiName() + " #" + seq + " from rank " + root;
        int distance = Math.floorMod(r - root, w);
        boolean sends = distance != w - 1;
        boolean receives = distance != 0;
        if (sends && receives) {
            link.exchange(op, OpKind.BROADCAST, seq, 0, data.duplicate().limit(0), Sink.into(data), true);
        } else if (sends) {
            link.exchange(op, OpKind.BROADCAST, seq, 0, data.duplicate(), null, false);
        } else {
            link.exchange(op, OpKind.BROADCAST, seq, 0, null, Sink.into(data), false);
        }
    }

    /** W-1 empty ring steps: the last completes only after every rank entered the barrier. */
    static void barrier(RingLink link, int seq, int w) {
        String op = OpKind.BARRIER.apiName() + " #" + seq;
        ByteBuffer empty = ByteBuffer.allocate(0);
        for (int s = 0; s < w - 1; s++) {
            link.exchange(op, OpKind.BARRIER, seq, s, empty.duplicate(), Sink.into(empty), false);
        }
    }

    private static ByteBuffer segment(ByteBuffer data, int n, int w, int i) {
        return data.slice(4 * segmentStart(n, w, i), 4 * segmentLength(n, w, i));
    }
}
