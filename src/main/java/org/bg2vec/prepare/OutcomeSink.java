package org.bg2vec.prepare;

/** Receives what processing a page produces. */
public interface OutcomeSink {

    /** A sample or a reject. */
    void accept(Outcome outcome);

    /** One more page/sample left out for {@code reason} (see {@link Reasons}). */
    void count(String reason);
}
