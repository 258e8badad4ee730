package org.bg2vec.train.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The sample order of one epoch, a deterministic function of (seed, epoch, row counts of the footers) that never
 * holds the whole dataset in memory and lets each worker read only the rows it trains on.
 *
 * <p>The epoch's rows are laid out in one sequence: the row groups of all shards in a seeded random order,
 * rotated by a seeded offset. That sequence of N rows is cut into {@code lanes} (= the global batch size G)
 * contiguous, equal ranges; lane p supplies position p of every global batch: it reads its range a chunk at a
 * time, shuffles each chunk (seeded) and passes it through its own seeded shuffle buffer of {@code bufferSize / G}
 * samples. Global batch k is the k-th sample of every lane, so a
 * worker that trains on positions [r·G/W, (r+1)·G/W) reads only those lanes: one contiguous 1/W of the sequence.
 * An epoch has floor(N / G) batches. A lane short of trainable rows (skipped as unusable) starts its range again.
 * Memory per lane: its buffer plus one chunk of at most {@value #CHUNK_ROWS} rows.
 */
public final class SampleOrder {

    /** Rows a lane reads at a time (only the Parquet pages holding them are decoded). */
    static final int CHUNK_ROWS = 2048;

    private final long batches;
    private final List<Lane> lanes = new ArrayList<>();

    /** The order of lanes [{@code firstLane}, {@code firstLane + laneCount}) of {@code totalLanes}. */
    public SampleOrder(ParquetSamples reader, List<ParquetSamples.RowGroup> groups, long seed, int epoch,
                       int bufferSize, int totalLanes, int firstLane, int laneCount) {
        Rng rng = new Rng(Rng.mix(Rng.mix(seed) ^ epoch));
        List<ParquetSamples.RowGroup> order = new ArrayList<>(groups);
        for (int i = order.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            order.set(j, order.set(i, order.get(j)));
        }
        long rows = order.stream().mapToLong(ParquetSamples.RowGroup::rows).sum();
        Sequence sequence = new Sequence(order, rows == 0 ? 0 : Math.floorMod(rng.nextLong(), rows));
        this.batches = rows / totalLanes;
        int perLane = Math.max(1, bufferSize / totalLanes);
        for (int p = firstLane; p < firstLane + laneCount; p++) {
            Rng laneRng = new Rng(Rng.mix(Rng.mix(Rng.mix(seed) ^ epoch) ^ p));
            lanes.add(new Lane(reader, sequence, p * rows / totalLanes, (p + 1) * rows / totalLanes, perLane, laneRng));
        }
    }

    /** Full global batches in this epoch. */
    public long batches() {
        return batches;
    }

    /** This worker's samples of the next global batch: one per lane, in lane order. */
    public List<TrainSample> next() throws IOException {
        List<TrainSample> out = new ArrayList<>(lanes.size());
        for (Lane lane : lanes) {
            out.add(lane.next());
        }
        return out;
    }

    /** The epoch's rows as one sequence: the row groups in order, starting {@code shift} rows in, wrapping round. */
    private record Sequence(List<ParquetSamples.RowGroup> groups, long shift) {

        long rows() {
            return groups.stream().mapToLong(ParquetSamples.RowGroup::rows).sum();
        }

        /** The trainable samples at positions [from, to) of the sequence, in sequence order. */
        List<TrainSample> read(ParquetSamples reader, long from, long to) throws IOException {
            List<TrainSample> out = new ArrayList<>();
            long total = rows();
            long start = (from + shift) % total;
            long remaining = to - from;
            while (remaining > 0) {
                long offset = 0;
                for (ParquetSamples.RowGroup g : groups) {
                    if (remaining > 0 && start < offset + g.rows()) {
                        long first = Math.max(start, offset) - offset;
                        long last = Math.min(g.rows(), first + remaining);
                        out.addAll(reader.read(g, first, last));
                        remaining -= last - first;
                        start = offset + last;
                    }
                    offset += g.rows();
                }
                start = 0; // wrapped round to the first row group
            }
            return out;
        }
    }

    /** Positions [from, to) of the sequence, read a chunk at a time, each chunk shuffled, through a shuffle buffer. */
    private static final class Lane {
        private final ParquetSamples reader;
        private final Sequence sequence;
        private final long from;
        private final long to;
        private final int bufferSize;
        private final Rng rng;
        private final List<TrainSample> buffer = new ArrayList<>();
        private Iterator<TrainSample> chunk = Collections.emptyIterator();
        private long position;
        private boolean trainableSeen;

        Lane(ParquetSamples reader, Sequence sequence, long from, long to, int bufferSize, Rng rng) {
            this.reader = reader;
            this.sequence = sequence;
            this.from = from;
            this.to = to;
            this.bufferSize = bufferSize;
            this.rng = rng;
            this.position = from;
        }

        TrainSample next() throws IOException {
            fill();
            int j = rng.nextInt(buffer.size());
            TrainSample s = buffer.get(j);
            TrainSample last = buffer.remove(buffer.size() - 1);
            if (j < buffer.size()) {
                buffer.set(j, last);
            }
            return s;
        }

        private void fill() throws IOException {
            while (buffer.size() < bufferSize) {
                if (chunk.hasNext()) {
                    buffer.add(chunk.next());
                    trainableSeen = true;
                    continue;
                }
                if (position == to) {
                    if (!buffer.isEmpty()) {
                        return;
                    }
                    if (!trainableSeen) {
                        throw new IOException("rows [" + from + ", " + to + ") of this epoch's order hold no trainable"
                                + " sample (" + reader.skipped() + " skipped as unusable): re-run 'bg2vec prepare'");
                    }
                    position = from; // short of trainable rows: start the lane's range again
                }
                long end = Math.min(to, position + CHUNK_ROWS);
                List<TrainSample> rows = sequence.read(reader, position, end);
                for (int i = rows.size() - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    rows.set(j, rows.set(i, rows.get(j)));
                }
                chunk = rows.iterator();
                position = end;
            }
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
