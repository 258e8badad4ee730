package org.bg2vec.train;

import org.bg2vec.train.metrics.StepMetrics;

import java.util.Locale;

/** Formats the per-logging-step INFO line: step/total, loss, lr, grad norm, samples/s, tokens/s, ETA. */
final class ProgressLine {

    private ProgressLine() {
    }

    /**
     * @param meanLoss      mean loss over the logging window
     * @param secondsPerStep mean wall time per step over the window
     */
    static String format(StepMetrics m, double meanLoss, double secondsPerStep, long windowSamples,
                         long windowTokens, double windowSeconds) {
        double eta = secondsPerStep * (m.totalSteps() - m.step());
        return String.format(Locale.ROOT,
                "step %d/%d (%.1f%%) | loss %.4f | lr %.3e | grad norm %.4f | %.1f samples/s | %.0f tokens/s"
                        + " | %.2f s/step | ETA %s%s",
                m.step(), m.totalSteps(), 100.0 * m.step() / Math.max(1, m.totalSteps()), meanLoss,
                m.learningRate(), m.gradNorm(), windowSamples / Math.max(1e-9, windowSeconds),
                windowTokens / Math.max(1e-9, windowSeconds), secondsPerStep, duration(eta),
                m.skipped() ? " | step skipped (non-finite gradient), loss scale " + m.lossScale() : "");
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
