package org.bg2vec.train;

/**
 * The dropout key of one forward pass: a pure function of (training seed, step, index of the
 * micro-batch within the <em>global</em> batch, view). Because it depends on the global micro-batch
 * index and not on the worker, W workers draw exactly the dropout masks one worker would, and the
 * GradCache re-forward reproduces the first pass bit for bit.
 */
public final class DropoutSeeds {

    /** The two SimCSE views of a sample: the query pass and the positive pass. */
    public static final int QUERY = 0;
    public static final int POSITIVE = 1;

    private DropoutSeeds() {
    }

    public static long of(long seed, long step, int globalMicroBatch, int view) {
        long h = mix(seed ^ 0x62673276656353L);
        h = mix(h ^ step);
        h = mix(h ^ globalMicroBatch);
        return mix(h ^ view);
    }

    /** SplitMix64's finaliser (a bijection with good avalanche). */
    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
