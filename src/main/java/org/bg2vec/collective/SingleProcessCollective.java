package org.bg2vec.collective;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/** The size-1 collective: every operation is the identity (one worker, no communication). */
public final class SingleProcessCollective implements Collective {

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public void allReduceSum(FloatBuffer buffer) {
        // the sum over one rank is the buffer itself
    }

    @Override
    public void allGather(FloatBuffer send, FloatBuffer out) {
        out.duplicate().put(send.duplicate());
    }

    @Override
    public void broadcast(ByteBuffer buffer, int root) {
        if (root != 0) {
            throw new IllegalArgumentException("root " + root + " out of range for size 1");
        }
    }

    @Override
    public void barrier() {
    }

    @Override
    public void abort(String reason) {
    }

    @Override
    public void close() {
    }
}
