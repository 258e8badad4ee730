package org.bg2vec.prepare;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/** A mutable reason → count map (sorted, so logs and manifests list reasons in a stable order). */
public final class ReasonCounts implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String INPUT_PREFIX = "input#";
    /** Key of the total number of pages/rows read (before any selection). */
    public static final String RECORDS_READ = "records_read";

    private final TreeMap<String, Long> counts = new TreeMap<>();

    /** Key under which the records read from input {@code index} are counted. */
    public static String inputKey(int index) {
        return INPUT_PREFIX + index;
    }

    public void add(String reason) {
        add(reason, 1);
    }

    public void add(String reason, long n) {
        counts.merge(reason, n, Long::sum);
    }

    public void addAll(Map<String, Long> other) {
        other.forEach(this::add);
    }

    public long get(String reason) {
        return counts.getOrDefault(reason, 0L);
    }

    public boolean isEmpty() {
        return counts.isEmpty();
    }

    /** A snapshot of every count. */
    public Map<String, Long> asMap() {
        return new TreeMap<>(counts);
    }

    /** Only the skip/reject reasons (no per-input or total read counters). */
    public Map<String, Long> reasons() {
        TreeMap<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            if (!k.startsWith(INPUT_PREFIX) && !k.equals(RECORDS_READ)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Fails when the filters left no sample at all, naming what was left out. */
    public void requireSamplesLeft(long samples) {
        if (samples == 0) {
            throw new IllegalStateException("no samples left after the filters (left out: " + reasons()
                    + "); check --min-tokens / --min-cyrillic and the inputs");
        }
    }

    /** Merges two count maps. */
    public static Map<String, Long> merge(Map<String, Long> a, Map<String, Long> b) {
        TreeMap<String, Long> out = new TreeMap<>(a);
        b.forEach((k, v) -> out.merge(k, v, Long::sum));
        return out;
    }
}
