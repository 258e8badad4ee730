package org.bg2vec.spark;

import org.bg2vec.collective.Collective;
import org.bg2vec.train.SimCseTrainer;
import org.bg2vec.train.TrainConfig;
import org.bg2vec.train.WorkerEnvironment;

import java.io.Serializable;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fault injection through the {@link WorkerFunction} seam: runs the real worker function and makes rank
 * {@code rank} throw right after it completed step {@code step} of attempt {@code attempt} (from its step
 * listener: after the step's metrics, before that step's checkpoint). Attempts are counted per rank and per
 * instance, in this JVM (local mode).
 */
record FaultyWorker(WorkerFunction inner, int rank, long step, int attempt, Fault fault, String id)
        implements WorkerFunction {

    private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    /** Makes the exception to throw from its message. */
    @FunctionalInterface
    interface Fault extends Serializable {
        RuntimeException make(String message);
    }

    /** A transient fault (a plain RuntimeException, retried by the driver). */
    static FaultyWorker transientFault(WorkerFunction inner, int rank, long step, int attempt) {
        return new FaultyWorker(inner, rank, step, attempt, InjectedFault::new, UUID.randomUUID().toString());
    }

    static FaultyWorker fault(WorkerFunction inner, int rank, long step, int attempt, Fault fault) {
        return new FaultyWorker(inner, rank, step, attempt, fault, UUID.randomUUID().toString());
    }

    @Override
    public SimCseTrainer.Result train(TrainConfig config, Collective collective, SimCseTrainer.StepListener listener,
                                      WorkerEnvironment environment) throws Exception {
        int current = CALLS.computeIfAbsent(id + "/" + collective.rank(), k -> new AtomicInteger()).incrementAndGet();
        SimCseTrainer.StepListener faulty = (r, m) -> {
            listener.onStep(r, m);
            if (current == attempt && r == rank && m.step() == step) {
                throw fault.make("injected fault (test only): rank " + rank + " after step " + step + " on attempt "
                        + attempt);
            }
        };
        return inner.train(config, collective, faulty, environment);
    }

    /** The exception of a transient injected fault. */
    static final class InjectedFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFault(String message) {
            super(message);
        }
    }
}
