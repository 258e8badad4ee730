package org.bg2vec.spark;

import java.io.Serializable;

/**
 * TEST-ONLY: makes the worker of {@code rank} throw right after it completed step {@code step}
 * during attempt {@code attempt} of a {@link TrainJob} (after the step's metrics, before any
 * checkpoint of that step), to exercise the driver's retry and the trainer's resume. Never set in
 * production; the command line does not expose it.
 */
public record FaultInjection(int rank, long step, int attempt) implements Serializable {

    /** The exception an injected fault throws. */
    public static final class InjectedFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFault(String message) {
            super(message);
        }
    }

    /** Throws {@link InjectedFault} when this (attempt, rank, completed step) is the one to fail. */
    void check(int currentAttempt, int currentRank, long completedStep) {
        if (currentAttempt == attempt && currentRank == rank && completedStep == step) {
            throw new InjectedFault("injected fault (test only): rank " + rank + " after step " + step
                    + " on attempt " + attempt);
        }
    }
}
