package org.bg2vec.eval;

/**
 * A value with its confidence interval.
 *
 * @param estimate the value measured on all items
 * @param lower    lower end of the interval
 * @param upper    upper end of the interval
 */
public record Interval(double estimate, double lower, double upper) {

    /** True when the interval lies entirely above or entirely below {@code value}. */
    public boolean excludes(double value) {
        return lower > value || upper < value;
    }
}
