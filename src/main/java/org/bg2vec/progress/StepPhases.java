package org.bg2vec.progress;

/**
 * Wall time spent in each phase of the training steps of one thread, for the per-phase breakdown of the training
 * benchmark. Off (two thread-local reads per phase, no clock) unless the thread called {@link #record()}. On a GPU
 * the times are those of the host thread: work still queued on the device is counted where the host next waits.
 */
public final class StepPhases {

    /** The phases of a SimCSE GradCache step, in step order. */
    public enum Phase {
        DATA("data + collation"),
        NO_GRAD_FORWARD("no-grad forward"),
        LOSS_AND_GATHER("loss + all-gather"),
        FORWARD_WITH_GRAD("forward with grad"),
        BACKWARD("backward"),
        GRADIENT_ALL_REDUCE("gradient sum + all-reduce"),
        CLIP_AND_ADAMW("finite check + clip + AdamW"),
        WRITE_BACK("write-back");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private static final ThreadLocal<long[]> TOTALS = new ThreadLocal<>();

    private StepPhases() {
    }

    /** Starts recording on this thread, from zero. */
    public static void record() {
        TOTALS.set(new long[Phase.values().length]);
    }

    /** Stops recording on this thread. */
    public static void stop() {
        TOTALS.remove();
    }

    /** Nanoseconds spent so far in each phase (indexed by ordinal) since {@link #record()}; zeros when off. */
    public static long[] totals() {
        long[] t = TOTALS.get();
        return t == null ? new long[Phase.values().length] : t.clone();
    }

    /** The start of a phase: {@code System.nanoTime()} when recording, else 0. */
    public static long begin() {
        return TOTALS.get() == null ? 0 : System.nanoTime();
    }

    /** Adds the time since {@code begin} (from {@link #begin()}) to {@code phase}; returns a new begin. */
    public static long end(Phase phase, long begin) {
        long[] t = TOTALS.get();
        if (t == null) {
            return 0;
        }
        long now = System.nanoTime();
        t[phase.ordinal()] += now - begin;
        return now;
    }
}
