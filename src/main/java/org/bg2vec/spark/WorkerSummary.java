package org.bg2vec.spark;

import java.io.Serializable;

/**
 * What one training worker reports back to the driver at the end of a successful attempt.
 *
 * @param rank               the worker's rank (= barrier partition id)
 * @param attempt            the driver's attempt number (1-based)
 * @param host               the executor host
 * @param gpu                the GPU address it used, or null on CPU
 * @param steps              the step count it reached (the global step, resumed steps included)
 * @param stepsRun           steps it ran in this attempt
 * @param collectiveSeconds  wall time spent in collective operations in this attempt (rendezvous excluded)
 * @param stepSeconds        its wall time of every step it ran in this attempt, in order
 * @param adapterDir         where the final adapter was written (rank 0 only, else null)
 * @param resumedFrom        the checkpoint it resumed from, or null
 */
public record WorkerSummary(int rank, int attempt, String host, String gpu, long steps, int stepsRun,
                            double collectiveSeconds, double[] stepSeconds, String adapterDir, String resumedFrom)
        implements Serializable {

    /** Mean step time of this attempt (NaN when no step ran). */
    public double meanStepSeconds() {
        double s = 0;
        for (double v : stepSeconds) {
            s += v;
        }
        return stepSeconds.length == 0 ? Double.NaN : s / stepSeconds.length;
    }

    /** Slowest step of this attempt (0 when no step ran). */
    public double maxStepSeconds() {
        double m = 0;
        for (double v : stepSeconds) {
            m = Math.max(m, v);
        }
        return m;
    }
}
