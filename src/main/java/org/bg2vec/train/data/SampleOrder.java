package org.bg2vec.train.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The sample order of one epoch, a deterministic function of (seed, epoch) that never holds the
 * whole dataset in memory: the row groups of all shards are visited in a seeded random order, and
 * their rows pass through a seeded shuffle buffer of {@code bufferSize} samples (each emitted sample
 * is drawn uniformly from the buffer, which is refilled from the next row group). Memory: the buffer
 * plus one row group. Every worker runs the same stream, so global batch k is the same set of
 * samples everywhere and for every worker count.
 */
public final class SampleOrder implements Iterator<TrainSample> {

    private final ParquetSamples reader;
    private final List<ParquetSamples.RowGroup> groups;
    private final int bufferSize;
    private final Rng rng;
    private final List<TrainSample> buffer = new ArrayList<>();
    private Iterator<TrainSample> current = java.util.Collections.emptyIterator();
    private int nextGroup;

    public SampleOrder(ParquetSamples reader, List<ParquetSamples.RowGroup> groups, long seed, int epoch, int bufferSize) {
        this.reader = reader;
        this.bufferSize = bufferSize;
        this.rng = new Rng(Rng.mix(Rng.mix(seed) ^ epoch));
        List<ParquetSamples.RowGroup> order = new ArrayList<>(groups);
        for (int i = order.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            order.set(j, order.set(i, order.get(j)));
        }
        this.groups = order;
    }

    @Override
    public boolean hasNext() {
        fill();
        return !buffer.isEmpty();
    }

    @Override
    public TrainSample next() {
        fill();
        if (buffer.isEmpty()) {
            throw new NoSuchElementException();
        }
        int j = rng.nextInt(buffer.size());
        TrainSample s = buffer.get(j);
        TrainSample last = buffer.remove(buffer.size() - 1);
        if (j < buffer.size()) {
            buffer.set(j, last);
        }
        return s;
    }

    private void fill() {
        while (buffer.size() < bufferSize) {
            if (!current.hasNext()) {
                if (nextGroup >= groups.size()) {
                    return;
                }
                try {
                    current = reader.read(groups.get(nextGroup++)).iterator();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                continue;
            }
            buffer.add(current.next());
        }
    }

    /** SplitMix64: a small, fully specified generator (identical on every JVM). */
    static final class Rng {
        private long state;

        Rng(long seed) {
            this.state = seed;
        }

        static long mix(long z) {
            z += 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        long nextLong() {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        int nextInt(int bound) {
            return (int) ((nextLong() >>> 1) % bound);
        }
    }
}
