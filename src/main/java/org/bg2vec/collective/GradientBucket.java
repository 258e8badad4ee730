package org.bg2vec.collective;

import java.util.List;

/**
 * Layout of several tensors flattened back to back into one float bucket, so one collective call moves
 * all of them: tensor i occupies floats [offset(i), offset(i) + count(i)). The bucket must stay under
 * 2 GiB (the limit of direct buffers and of one CPU collective call).
 */
public record GradientBucket(long[] offsets, long[] counts, long totalFloats) {

    /** Largest bucket in floats (2 GiB of float32 minus a little headroom). */
    public static final long MAX_FLOATS = (Integer.MAX_VALUE - 8) / 4;

    public GradientBucket {
        offsets = offsets.clone();
        counts = counts.clone();
    }

    /** Lays out tensors of the given element counts in order. */
    public static GradientBucket of(List<Long> elementCounts) {
        long[] offsets = new long[elementCounts.size()];
        long[] counts = new long[elementCounts.size()];
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            long c = elementCounts.get(i);
            if (c < 0) {
                throw new IllegalArgumentException("tensor " + i + " has a negative element count " + c);
            }
            offsets[i] = total;
            counts[i] = c;
            total += c;
            if (total > MAX_FLOATS) {
                throw new IllegalArgumentException("gradient bucket exceeds " + MAX_FLOATS + " floats (2 GiB) at tensor "
                        + i + "; split the parameters into several buckets");
            }
        }
        return new GradientBucket(offsets, counts, total);
    }

    /** Number of tensors. */
    public int tensors() {
        return counts.length;
    }

    public long offset(int i) {
        return offsets[i];
    }

    public long count(int i) {
        return counts[i];
    }

    @Override
    public long[] offsets() {
        return offsets.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GradientBucket b && totalFloats == b.totalFloats
                && java.util.Arrays.equals(offsets, b.offsets) && java.util.Arrays.equals(counts, b.counts);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(offsets) + java.util.Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "GradientBucket[" + counts.length + " tensors, " + totalFloats + " floats]";
    }
}
