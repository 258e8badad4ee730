package org.bg2vec.spark;

import java.util.List;

/**
 * Training failed: in every allowed attempt, or at once on a permanent failure (one another attempt would
 * repeat); carries each attempt's failure cause.
 */
public final class TrainingFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final List<String> causes;
    private final boolean permanent;

    TrainingFailedException(String message, List<String> causes, boolean permanent, Throwable last) {
        super(message, last);
        this.causes = List.copyOf(causes);
        this.permanent = permanent;
    }

    /** True when the last attempt failed on a configuration, model or data problem and was not retried. */
    public boolean permanent() {
        return permanent;
    }

    /** The failure cause of each attempt, in order. */
    public List<String> causes() {
        return causes;
    }
}
