package org.bg2vec.prepare;

import java.io.Serializable;

/** What reading a page or row produces: a {@link Sample}, a {@link Reject}, or a {@link CountsOutcome}. */
public sealed interface Outcome extends Serializable permits Sample, Reject, CountsOutcome {
}
