package org.bg2vec.collective;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Collective operations among the {@link #size()} workers of one training job (rank 0..size-1).
 * Every operation is blocking, must be called by all ranks in the same order, and fails with
 * {@link CollectiveException} naming the peer it waited for when its timeout expires — never an
 * endless hang. A size-1 collective is the identity.
 */
public interface Collective extends AutoCloseable {

    int rank();

    int size();

    /** In-place element-wise SUM over all ranks of {@code buffer}'s remaining floats (same count on every rank). */
    void allReduceSum(FloatBuffer buffer);

    /**
     * Gathers equal-sized blocks: {@code out} receives size × send.remaining() floats, rank r's block at
     * offset r × send.remaining(), this rank's own block included.
     */
    void allGather(FloatBuffer send, FloatBuffer out);

    /** Root's bytes to everyone; every rank passes a buffer of the same remaining size. */
    void broadcast(ByteBuffer buffer, int root);

    /** Returns when every rank has reached it. */
    void barrier();

    /** Fails every pending and future operation on all reachable ranks with {@code reason}. */
    void abort(String reason);

    @Override
    void close();
}
