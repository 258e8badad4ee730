package org.bg2vec.train;

import org.bg2vec.collective.Collective;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/** A {@link Collective} that adds up the wall time spent in its operations (for the step metrics). */
final class TimedCollective implements Collective {

    private final Collective inner;
    private long nanos;

    TimedCollective(Collective inner) {
        this.inner = inner;
    }

    /** Seconds spent in collective operations since the last call, and resets the counter. */
    double takeSeconds() {
        double s = nanos / 1e9;
        nanos = 0;
        return s;
    }

    @Override
    public int rank() {
        return inner.rank();
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public void allReduceSum(FloatBuffer buffer) {
        long t = System.nanoTime();
        try {
            inner.allReduceSum(buffer);
        } finally {
            nanos += System.nanoTime() - t;
        }
    }

    @Override
    public void allGather(FloatBuffer send, FloatBuffer out) {
        long t = System.nanoTime();
        try {
            inner.allGather(send, out);
        } finally {
            nanos += System.nanoTime() - t;
        }
    }

    @Override
    public void broadcast(ByteBuffer buffer, int root) {
        long t = System.nanoTime();
        try {
            inner.broadcast(buffer, root);
        } finally {
            nanos += System.nanoTime() - t;
        }
    }

    @Override
    public void barrier() {
        long t = System.nanoTime();
        try {
            inner.barrier();
        } finally {
            nanos += System.nanoTime() - t;
        }
    }

    @Override
    public void abort(String reason) {
        inner.abort(reason);
    }

    @Override
    public void close() {
        // the caller owns the wrapped collective
    }
}
