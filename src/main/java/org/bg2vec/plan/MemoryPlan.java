package org.bg2vec.plan;

import java.util.List;

/**
 * The memory of one training worker at its peak (the gradient pass of one micro-batch), item by item.
 *
 * @param request        what was planned
 * @param recompute      per-layer recomputation on
 * @param device         what holds the model during training (the GPU, or the CPU process's native memory)
 * @param beforeTraining the larger of the load and MNTP-merge peaks (weights + their transient), which come
 *                       before training and never at the same time as it
 * @param host           host memory that is not on the device (JVM heap: the checkpoint's copies of the optimizer state)
 */
public record MemoryPlan(PlanRequest request, boolean recompute, List<Item> device, long beforeTraining,
                         List<Item> host) {

    /** One line of the plan. */
    public record Item(String name, long bytes) {
    }

    /** Device bytes at the training peak. */
    public long total() {
        return device.stream().mapToLong(Item::bytes).sum();
    }

    /** The peak over the whole run: the training peak or, if larger, the load/merge peak. */
    public long peak() {
        return Math.max(total(), beforeTraining);
    }

    /** Whether the run fits {@code capacity} bytes. */
    public boolean fits(long capacity) {
        return peak() <= capacity;
    }
}
