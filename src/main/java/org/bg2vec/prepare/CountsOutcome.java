package org.bg2vec.prepare;

import java.util.Map;

/**
 * Counts of one task (skip reasons, pages read per input), emitted once at the end of the task's outcomes so
 * that counting needs no accumulators (which over-count when tasks are retried).
 *
 * @param counts reason (or {@link ReasonCounts#inputKey(int)}) → count
 */
public record CountsOutcome(Map<String, Long> counts) implements Outcome {
}
