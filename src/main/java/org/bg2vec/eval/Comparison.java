package org.bg2vec.eval;

/**
 * Trained vs base on one metric: the difference trained − base over the same items, its paired bootstrap
 * interval and the plain verdict.
 *
 * @param difference trained − base, with its interval
 * @param verdict    better, worse or no significant change (see {@link Verdict#of})
 */
public record Comparison(Interval difference, Verdict verdict) {
}
