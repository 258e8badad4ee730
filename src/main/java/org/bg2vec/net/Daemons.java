package org.bg2vec.net;

/** The background threads of bg2vec's network endpoints: daemon threads, stopped with a bounded wait. */
public final class Daemons {

    private Daemons() {
    }

    /** A daemon thread running {@code body}, not started yet. */
    public static Thread create(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Waits up to {@code millis} for {@code t} to end (at once when called from {@code t} itself). An
     * interrupt ends the wait early and stays set on the calling thread.
     */
    public static void join(Thread t, long millis) {
        if (Thread.currentThread() == t) {
            return;
        }
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
