package org.bg2vec.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.encode.EncodeOptions;
import org.bg2vec.encode.Encoder;
import org.bg2vec.encode.SharedEmbedders;
import org.bg2vec.encode.TextEmbedderFactory;
import org.bg2vec.modelstore.ModelStore;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The embedding step of encode and evaluate, run in each partition: rows of {@code idCount} id values followed
 * by the text go in; the same ids followed by the embedding ({@code float[]}, null for a blank text) come out,
 * in input order. Windows of {@code window} rows are sorted by length and batched by the core {@link Encoder},
 * with this executor's shared embedder for the task's device ({@link SharedEmbedders}, {@link GpuAssignment}).
 */
final class EmbedPartition implements FlatMapFunction<Iterator<Row>, Row> {

    private static final long serialVersionUID = 1L;

    /**
     * Where the partitions run: the driver's resolved device request, whether Spark is in local mode, and the
     * Hadoop configuration the model store reads model URIs with.
     */
    record Placement(boolean gpu, boolean localMode, HadoopConf hadoop) implements java.io.Serializable {
    }

    private final TextEmbedderFactory factory;
    private final EncodeOptions options;
    private final int idCount;
    private final int window;
    private final Placement placement;
    private final LongAccumulator done;
    private final LongAccumulator blank;

    EmbedPartition(TextEmbedderFactory factory, EncodeOptions options, int idCount, int window, Placement placement,
                   LongAccumulator done, LongAccumulator blank) {
        this.factory = factory;
        this.options = options;
        this.idCount = idCount;
        this.window = window;
        this.placement = placement;
        this.done = done;
        this.blank = blank;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        TaskContext ctx = TaskContext.get();
        ComputeDevice device = GpuAssignment.forTask(ctx, placement.gpu(), placement.localMode(), false,
                "embedding task " + ctx.partitionId());
        ModelStore models = ModelCaches.forThisExecutor(placement.hadoop().get());
        return new Iterator<>() {
            private final List<Row> ready = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < ready.size()) {
                    return true;
                }
                ready.clear();
                next = 0;
                if (rows.hasNext()) {
                    fill(rows, device, models, ready);
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.get(next++);
            }
        };
    }

    /** Embeds the next window of {@code rows} into {@code out}. */
    private void fill(Iterator<Row> rows, ComputeDevice device, ModelStore models, List<Row> out) {
        List<Row> in = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        while (rows.hasNext() && in.size() < window) {
            Row r = rows.next();
            in.add(r);
            texts.add(r.isNullAt(idCount) ? null : r.getString(idCount));
        }
        float[][] vectors = SharedEmbedders.withEmbedder(factory, device, models,
                e -> new Encoder(e, options).encode(texts));
        long blanks = 0;
        for (int i = 0; i < in.size(); i++) {
            Object[] values = new Object[idCount + 1];
            for (int c = 0; c < idCount; c++) {
                values[c] = in.get(i).get(c);
            }
            values[idCount] = vectors[i];
            blanks += vectors[i] == null ? 1 : 0;
            out.add(RowFactory.create(values));
        }
        done.add(in.size());
        blank.add(blanks);
    }
}
