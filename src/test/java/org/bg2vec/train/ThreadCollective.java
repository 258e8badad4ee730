package org.bg2vec.train;

import org.bg2vec.collective.Collective;
import org.bg2vec.collective.CollectiveException;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * In-memory collective for N worker threads of one JVM (tests): each rank deposits its block, all
 * meet at a barrier, every rank combines the blocks in rank order (identical results everywhere),
 * and a second barrier protects the slots until all have read them.
 */
public final class ThreadCollective implements Collective {

    private static final class Shared {
        final CyclicBarrier barrier;
        final Object[] slots;
        final long timeoutMs;

        Shared(int n, long timeoutMs) {
            this.barrier = new CyclicBarrier(n);
            this.slots = new Object[n];
            this.timeoutMs = timeoutMs;
        }
    }

    private final Shared shared;
    private final int rank;

    private ThreadCollective(Shared shared, int rank) {
        this.shared = shared;
        this.rank = rank;
    }

    public static List<Collective> group(int n) {
        Shared s = new Shared(n, 60_000);
        List<Collective> out = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            out.add(new ThreadCollective(s, r));
        }
        return out;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return shared.slots.length;
    }

    private void await() {
        try {
            shared.barrier.await(shared.timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("rank " + rank + " interrupted", e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new CollectiveException("rank " + rank + ": peers did not arrive", e);
        }
    }

    private static float[] copy(FloatBuffer b) {
        float[] a = new float[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @Override
    public void allReduceSum(FloatBuffer buffer) {
        shared.slots[rank] = copy(buffer);
        await();
        float[] sum = ((float[]) shared.slots[0]).clone();
        for (int r = 1; r < size(); r++) {
            float[] o = (float[]) shared.slots[r];
            for (int i = 0; i < sum.length; i++) {
                sum[i] += o[i];
            }
        }
        await();
        buffer.duplicate().put(sum);
    }

    @Override
    public void allGather(FloatBuffer send, FloatBuffer out) {
        shared.slots[rank] = copy(send);
        await();
        FloatBuffer o = out.duplicate();
        for (int r = 0; r < size(); r++) {
            o.put((float[]) shared.slots[r]);
        }
        await();
    }

    @Override
    public void broadcast(ByteBuffer buffer, int root) {
        byte[] mine = new byte[buffer.remaining()];
        buffer.duplicate().get(mine);
        shared.slots[rank] = mine;
        await();
        byte[] rootBytes = (byte[]) shared.slots[root];
        await();
        buffer.duplicate().put(rootBytes);
    }

    @Override
    public void barrier() {
        await();
    }

    @Override
    public void abort(String reason) {
        shared.barrier.reset();
    }

    @Override
    public void close() {
    }
}
