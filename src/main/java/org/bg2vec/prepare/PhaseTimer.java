package org.bg2vec.prepare;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Wall-clock seconds of each phase of a job, in the order the phases ran, for the manifest's {@code timing}
 * (rounded to 10 ms). {@link #finish()} adds {@code total}: the time since the timer was made.
 */
public final class PhaseTimer {

    /** A phase's work. */
    @FunctionalInterface
    public interface Phase<T> {
        T run() throws IOException;
    }

    private final LongSupplier nanoClock;
    private final long start;
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    public PhaseTimer() {
        this(System::nanoTime);
    }

    /** A timer on another clock (nanoseconds), for tests. */
    PhaseTimer(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    /** Runs one phase and records its duration under {@code name} (also when it fails). */
    public <T> T time(String name, Phase<T> work) throws IOException {
        long t0 = nanoClock.getAsLong();
        try {
            return work.run();
        } finally {
            seconds.put(name, rounded(nanoClock.getAsLong() - t0));
        }
    }

    /** Seconds since the timer was made. */
    public double elapsed() {
        return rounded(nanoClock.getAsLong() - start);
    }

    /** Every phase's seconds, then {@code total}. */
    public Map<String, Double> finish() {
        Map<String, Double> out = new LinkedHashMap<>(seconds);
        out.put("total", elapsed());
        return out;
    }

    private static double rounded(long nanos) {
        return Math.round(nanos / 1e7) / 100.0;
    }
}
