package org.bg2vec.eval;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The plain reading of a paired comparison: better or worse when the confidence interval of the difference
 * excludes 0 (in the metric's direction), otherwise no significant change. Each verdict is one test at the
 * report's confidence level; several metrics are not corrected for multiple comparisons.
 */
public enum Verdict {
    BETTER("better"),
    WORSE("worse"),
    NO_SIGNIFICANT_CHANGE("no significant change");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    /** The verdict on {@code difference} = new − old of a metric whose direction is {@code higherIsBetter}. */
    public static Verdict of(Interval difference, boolean higherIsBetter) {
        if (!difference.excludes(0)) {
            return NO_SIGNIFICANT_CHANGE;
        }
        return (difference.lower() > 0) == higherIsBetter ? BETTER : WORSE;
    }

    @JsonValue
    public String label() {
        return label;
    }

    @JsonCreator
    public static Verdict fromLabel(String label) {
        for (Verdict v : values()) {
            if (v.label.equals(label)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown verdict '" + label + "'");
    }
}
