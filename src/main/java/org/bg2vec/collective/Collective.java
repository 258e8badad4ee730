package org.bg2vec.collective;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Collective operations among the {@link #size()} workers of one training job (rank 0..size-1).
 *
 * <p>Rules for every implementation ({@link SingleProcessCollective}, {@link TcpCollective},
 * {@link NcclCollective}):
 * <ul>
 *   <li>Operations are blocking and must be called by all ranks in the same order with the same sizes
 *       (the TCP collective detects a mismatch and fails with "out of step").</li>
 *   <li>Buffers are used from their position to their limit; positions and limits are left unchanged.</li>
 *   <li>Every operation has a timeout and fails with {@link CollectiveException} naming the peer it waited
 *       for (NCCL: the operation and this rank) — never an endless hang.</li>
 *   <li>After any failure the collective is unusable: later calls fail at once with the first cause, and
 *       the other ranks are made to fail fast too. Build a new one to retry.</li>
 *   <li>One thread calls the operations; {@link #abort(String)} and {@link #close()} may be called from any
 *       thread.</li>
 *   <li>Results are identical (bit for bit) on all ranks.</li>
 * </ul>
 * A size-1 collective is the identity. For DJL tensors use {@link TensorCollectives}.
 */
public interface Collective extends AutoCloseable {

    /** This worker's rank, 0..size()-1. */
    int rank();

    /** Number of workers. */
    int size();

    /**
     * In-place element-wise SUM over all ranks of {@code buffer}'s remaining floats (same count on every
     * rank). Direct little-endian buffers (e.g. views of DJL CPU tensors) are sent and received in place.
     */
    void allReduceSum(FloatBuffer buffer);

    /**
     * Gathers equal-sized blocks: {@code out} receives size × send.remaining() floats, rank r's block at
     * offset r × send.remaining(), this rank's own block included.
     */
    void allGather(FloatBuffer send, FloatBuffer out);

    /** Root's bytes to everyone; every rank passes a buffer of the same remaining size (written on non-roots). */
    void broadcast(ByteBuffer buffer, int root);

    /** Returns when every rank has reached it. */
    void barrier();

    /**
     * Fails every pending and future operation on all reachable ranks with {@code reason} (a Spark task
     * that fails or is killed calls this so the other tasks do not wait for their timeout). Idempotent.
     */
    void abort(String reason);

    /** Releases sockets, ports and device resources; later operations fail. Idempotent. */
    @Override
    void close();
}
