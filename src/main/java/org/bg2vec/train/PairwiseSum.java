package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import org.bg2vec.djl.Autograd;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Sums a sequence of equal-length float32 tensors (on the training device, added in place) as a balanced binary tree in sequence order
 * ({@code ((g0+g1)+(g2+g3))+...}), holding at most log2(n)+1 partial sums. The GradCache step adds
 * one gradient per micro-batch: because a worker's micro-batches are a contiguous run of the global
 * ones, a worker with 2^k micro-batches produces exactly the subtree one worker would, and the sum
 * over two workers (a + b, which is commutative in IEEE arithmetic) completes the same tree. So with
 * W ≤ 2 and a power-of-two number of micro-batches per worker, W workers compute the single-worker
 * gradient bit for bit; otherwise they agree up to float reassociation.
 */
public final class PairwiseSum {

    private record Partial(int level, NDArray sum) {
    }

    private final Deque<Partial> stack = new ArrayDeque<>();

    /**
     * Adds the next vector (ownership passes to this object: it is summed into in place or closed once added to an
     * earlier one).
     */
    public void add(NDArray v) {
        Partial p = new Partial(0, v);
        while (!stack.isEmpty() && stack.peek().level() == p.level()) {
            Partial left = stack.pop();
            addInto(left.sum(), p.sum());
            p = new Partial(left.level() + 1, left.sum());
        }
        stack.push(p);
    }

    /**
     * The sum of everything added (the remaining partial sums combined, oldest first): the first vector added, which
     * now holds the sum (the caller owns it).
     */
    public NDArray result() {
        if (stack.isEmpty()) {
            throw new IllegalStateException("nothing was added");
        }
        NDArray total = stack.pollLast().sum();
        while (!stack.isEmpty()) {
            addInto(total, stack.pollLast().sum());
        }
        return total;
    }

    /** {@code sum[i] = sum[i] + r[i]} (one float32 addition per element, as a loop would), then closes r. */
    private static void addInto(NDArray sum, NDArray r) {
        try (Autograd.Scope off = Autograd.gradMode(false); r) {
            sum.addi(r);
        }
    }
}
