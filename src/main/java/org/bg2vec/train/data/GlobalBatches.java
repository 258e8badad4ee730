package org.bg2vec.train.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * This worker's slices of the global batches, produced on a background thread one batch ahead of
 * the training step. Global batch k of an epoch is samples [k·G, (k+1)·G) of that epoch's
 * {@link SampleOrder}; rank r of W keeps its contiguous slice [r·G/W, (r+1)·G/W). A trailing partial
 * batch is dropped and the next epoch starts. Starting from a {@link Cursor} re-runs the stream of
 * the cursor's epoch and skips the batches before it (resume).
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
                SampleOrder order = new SampleOrder(reader, groups, seed, epoch, bufferSize);
                long batch = 0;
                long skip = epoch == start.epoch() ? start.batch() : 0;
                for (; batch < skip; batch++) {
                    for (int i = 0; i < globalBatch; i++) {
                        if (!order.hasNext()) {
                            throw new IOException("cannot resume at batch " + start.batch() + " of epoch " + epoch
                                    + ": the data has only " + batch + " full batches per epoch (has it changed?)");
                        }
                        order.next();
                    }
                }
                long produced = 0;
                while (true) {
                    List<TrainSample> mine = new ArrayList<>(slice);
                    int seen = 0;
                    while (seen < globalBatch && order.hasNext()) {
                        TrainSample s = order.next();
                        if (seen >= from && seen < from + slice) {
                            mine.add(s);
                        }
                        seen++;
                    }
                    if (seen < globalBatch) {
                        break;
                    }
                    queue.put(new Batch(new Cursor(epoch, batch++), mine));
                    produced++;
                }
                if (produced == 0 && skip == 0) {
                    throw new IOException("an epoch holds fewer trainable samples than global_batch_size "
                            + globalBatch + " (" + reader.skipped() + " samples skipped as unusable)");
                }
                if (reader.skipped() > 0) {
                    LOG.warn("epoch {}: {} samples skipped so far as unusable (see the warnings above)", epoch,
                            reader.skipped());
                }
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
