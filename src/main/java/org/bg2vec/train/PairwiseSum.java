package org.bg2vec.train;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Sums a sequence of equal-length float vectors as a balanced binary tree in sequence order
 * ({@code ((g0+g1)+(g2+g3))+...}), holding at most log2(n)+1 partial sums. The GradCache step adds
 * one gradient per micro-batch: because a worker's micro-batches are a contiguous run of the global
 * ones, a worker with 2^k micro-batches produces exactly the subtree one worker would, and the sum
 * over two workers (a + b, which is commutative in IEEE arithmetic) completes the same tree. So with
 * W ≤ 2 and a power-of-two number of micro-batches per worker, W workers compute the single-worker
 * gradient bit for bit; otherwise they agree up to float reassociation.
 */
public final class PairwiseSum {

    private record Partial(int level, float[] sum) {
    }

    private final Deque<Partial> stack = new ArrayDeque<>();

    /** Adds the next vector (ownership passes to this object). */
    public void add(float[] v) {
        Partial p = new Partial(0, v);
        while (!stack.isEmpty() && stack.peek().level() == p.level()) {
            Partial left = stack.pop();
            float[] s = left.sum();
            float[] r = p.sum();
            for (int i = 0; i < s.length; i++) {
                s[i] += r[i];
            }
            p = new Partial(left.level() + 1, s);
        }
        stack.push(p);
    }

    /** The sum of everything added (the remaining partial sums combined, oldest first). */
    public float[] result() {
        if (stack.isEmpty()) {
            throw new IllegalStateException("nothing was added");
        }
        float[] total = stack.pollLast().sum();
        while (!stack.isEmpty()) {
            float[] r = stack.pollLast().sum();
            for (int i = 0; i < total.length; i++) {
                total[i] += r[i];
            }
        }
        return total;
    }
}
