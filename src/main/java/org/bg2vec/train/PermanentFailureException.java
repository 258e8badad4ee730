package org.bg2vec.train;

/**
 * A training failure that another attempt would repeat: a bad configuration, a checkpoint of another model or
 * adapter, data that changed under a run, a corrupt checkpoint named explicitly, a diverged run. The Spark
 * driver stops at once on it instead of retrying; every other failure counts as transient.
 */
public final class PermanentFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of deterministic failure. */
    public enum Kind { CONFIGURATION, MODEL_MISMATCH, DATA_CHANGED, CORRUPT_CHECKPOINT, DIVERGED }

    private final Kind kind;

    public PermanentFailureException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public PermanentFailureException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The one rule for "would a retry fail the same way": {@code t} or one of its causes is a
     * {@link PermanentFailureException}, or an {@link IllegalArgumentException} (what configuration
     * validation throws).
     */
    public static boolean isPermanent(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof PermanentFailureException || c instanceof IllegalArgumentException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return getClass().getName() + " [" + kind + "]: " + getMessage();
    }
}
