package org.bg2vec.train;

/**
 * The rule that lets W workers train the same model as one: every step's global batch splits into W equal,
 * contiguous worker slices, each a whole number of micro-batches (so the micro-batches, and with them the
 * dropout seeds, do not depend on W). {@link TrainConfigReader} checks it when a config is read; the trainer
 * and {@link GradCacheStep} call {@link #sliceSize} with the collective's actual size.
 */
public final class BatchSplit {

    private BatchSplit() {
    }

    /**
     * Why {@code globalBatch} does not split into {@code workers} slices of whole micro-batches of
     * {@code microBatch}, or null when it does. {@code microBatch} 0 means not chosen yet ({@code "auto"}):
     * only the split into worker slices is checked.
     */
    public static String problem(int globalBatch, int workers, int microBatch) {
        if (globalBatch % workers != 0) {
            return "global_batch_size " + globalBatch + " is not divisible by workers " + workers
                    + ": every worker takes an equal contiguous slice of each global batch";
        }
        if (microBatch > 0 && (globalBatch / workers) % microBatch != 0) {
            return "the per-worker slice global_batch_size/workers = " + (globalBatch / workers)
                    + " is not a multiple of micro_batch_size " + microBatch
                    + ": micro-batches must tile the slice so that dropout seeds do not depend on the worker count";
        }
        return null;
    }

    /** The samples per worker per step; throws {@link IllegalArgumentException} with {@link #problem}. */
    public static int sliceSize(int globalBatch, int workers, int microBatch) {
        String problem = problem(globalBatch, workers, microBatch);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return globalBatch / workers;
    }
}
