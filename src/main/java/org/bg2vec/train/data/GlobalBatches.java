package org.bg2vec.train.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * This worker's slices of the global batches, produced on a background thread one batch ahead of
 * the training step. Rank r of W trains on positions [r·G/W, (r+1)·G/W) of every global batch and reads
 * only the lanes of the epoch's {@link SampleOrder} that supply them (about 1/W of the data). An epoch
 * has floor(rows / G) batches. Starting from a {@link Cursor} re-runs the lanes of the cursor's epoch and
 * skips the batches before it (resume).
 */
public final class GlobalBatches implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GlobalBatches.class);

    /** Position in the data: the next batch to train on. */
    public record Cursor(int epoch, long batch) {
    }

    /** This worker's slice of global batch {@code cursor}. */
    public record Batch(Cursor cursor, List<TrainSample> slice) {
    }

    private record Failure(Throwable error) {
    }

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
    private final Thread producer;

    public GlobalBatches(ParquetSamples reader, List<ParquetSamples.RowGroup> groups, long seed, int bufferSize,
                         int globalBatch, int rank, int workers, Cursor start) {
        int slice = globalBatch / workers;
        int from = rank * slice;
        this.producer = new Thread(() -> produce(reader, groups, seed, bufferSize, globalBatch, from, slice, start),
                "bg2vec-batches-r" + rank);
        producer.setDaemon(true);
        producer.start();
    }

    private void produce(ParquetSamples reader, List<ParquetSamples.RowGroup> groups, long seed, int bufferSize,
                         int globalBatch, int from, int slice, Cursor start) {
        try {
            for (int epoch = start.epoch(); ; epoch++) {
                SampleOrder order = new SampleOrder(reader, groups, seed, epoch, bufferSize, globalBatch, from, slice);
                if (order.batches() == 0) {
                    throw new IOException("an epoch holds fewer samples than global_batch_size " + globalBatch);
                }
                long batch = epoch == start.epoch() ? start.batch() : 0;
                if (batch > order.batches()) {
                    throw new IOException("cannot resume at batch " + start.batch() + " of epoch " + epoch
                            + ": the data has only " + order.batches() + " full batches per epoch (has it changed?)");
                }
                for (long skipped = 0; skipped < batch; skipped++) {
                    order.next();
                }
                for (; batch < order.batches(); batch++) {
                    queue.put(new Batch(new Cursor(epoch, batch), order.next()));
                }
                LOG.info("epoch {}: {} rows decoded by this worker so far{}", epoch, reader.rowsDecoded(),
                        reader.skipped() > 0 ? ", " + reader.skipped() + " skipped as unusable (see the warnings above)"
                                : "");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            try {
                queue.put(new Failure(t));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The next batch (blocks until the background reader has it). */
    public Batch next() throws IOException {
        Object o;
        try {
            o = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for training data", e);
        }
        if (o instanceof Failure f) {
            queue.offer(f);
            throw new IOException("reading the training data failed: " + f.error().getMessage(), f.error());
        }
        return (Batch) o;
    }

    @Override
    public void close() {
        producer.interrupt();
        try {
            producer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
