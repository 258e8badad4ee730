package org.bg2vec.spark;

import java.util.List;

/** Training failed in every allowed attempt; carries each attempt's failure cause. */
public final class TrainingFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final List<String> causes;

    TrainingFailedException(String message, List<String> causes, Throwable last) {
        super(message, last);
        this.causes = List.copyOf(causes);
    }

    /** The failure cause of each attempt, in order. */
    public List<String> causes() {
        return causes;
    }
}
