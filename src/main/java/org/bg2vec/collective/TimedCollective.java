package org.bg2vec.collective;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Wraps a collective and accumulates the wall time spent inside its operations (for the per-rank
 * "time in collectives" metric). Not thread-safe beyond the {@link Collective} rules (one calling thread).
 */
public final class TimedCollective implements Collective {

    private final Collective delegate;
    private long nanos;
    private long calls;

    public TimedCollective(Collective delegate) {
        this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
    }

    /** The wrapped collective. */
    public Collective delegate() {
        return delegate;
    }

    /** Total nanoseconds spent in allReduceSum, allGather, broadcast and barrier so far (failed calls included). */
    public long nanosInCollectives() {
        return nanos;
    }

    /** Number of timed calls so far. */
    public long calls() {
        return calls;
    }

    @Override
    public int rank() {
        return delegate.rank();
    }

    @Override
    public int size() {
        return delegate.size();
    }

    @Override
    public void allReduceSum(FloatBuffer buffer) {
        long t0 = System.nanoTime();
        try {
            delegate.allReduceSum(buffer);
        } finally {
            add(t0);
        }
    }

    @Override
    public void allGather(FloatBuffer send, FloatBuffer out) {
        long t0 = System.nanoTime();
        try {
            delegate.allGather(send, out);
        } finally {
            add(t0);
        }
    }

    @Override
    public void broadcast(ByteBuffer buffer, int root) {
        long t0 = System.nanoTime();
        try {
            delegate.broadcast(buffer, root);
        } finally {
            add(t0);
        }
    }

    @Override
    public void barrier() {
        long t0 = System.nanoTime();
        try {
            delegate.barrier();
        } finally {
            add(t0);
        }
    }

    @Override
    public void abort(String reason) {
        delegate.abort(reason);
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** Runs {@code op} (an operation of the wrapped collective on device memory) and counts its time. */
    void time(Runnable op) {
        long t0 = System.nanoTime();
        try {
            op.run();
        } finally {
            add(t0);
        }
    }

    private void add(long t0) {
        nanos += System.nanoTime() - t0;
        calls++;
    }
}
