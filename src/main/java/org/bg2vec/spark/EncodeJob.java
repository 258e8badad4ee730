package org.bg2vec.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.bg2vec.encode.EncodeColumns;
import org.bg2vec.encode.EncodeOptions;
import org.bg2vec.encode.EncodeSpec;
import org.bg2vec.encode.Encoder;
import org.bg2vec.encode.SharedEmbedders;
import org.bg2vec.encode.TextEmbedderFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The {@code encode} Spark job: reads a table, embeds its text column partition by partition with one
 * embedder per executor JVM ({@link SharedEmbedders}) and the core {@link Encoder}, and writes Parquet rows of
 * the id columns plus {@code embedding} (array&lt;float&gt;). Rows keep their ids; rows whose text is null or
 * blank get a null embedding and are counted.
 */
public final class EncodeJob {

    private static final Logger LOG = LoggerFactory.getLogger(EncodeJob.class);

    /** What a run did. */
    public record Result(long rows, long blankTexts, double seconds) {
        public double rowsPerSecond() {
            return seconds > 0 ? rows / seconds : 0;
        }
    }

    private EncodeJob() {
    }

    /**
     * Starts a Spark session ({@link SparkSessions}), runs the job and stops the session.
     *
     * @throws IllegalArgumentException for bad input (missing path or column, wrong type, existing output)
     */
    public static Result run(String master, Map<String, String> conf, EncodeSpec spec, TextEmbedderFactory factory) {
        SparkSession spark = SparkSessions.getOrCreate(master, "bg2vec encode", conf);
        try {
            return run(spark, spec, factory);
        } finally {
            spark.stop();
        }
    }

    /** Runs the job in an existing session; bad input is reported as IllegalArgumentException. */
    public static Result run(SparkSession spark, EncodeSpec spec, TextEmbedderFactory factory) {
        return SparkErrors.asInputErrors(() -> run(spark, spec, factory, 10_000));
    }

    static Result run(SparkSession spark, EncodeSpec spec, TextEmbedderFactory factory, long progressMillis) {
        Dataset<Row> in = Tables.read(spark, spec.input(), spec.format());
        List<String> found = Arrays.asList(in.columns());
        List<String> ids = EncodeColumns.resolve(found, spec.textColumn(), spec.idColumns(), spec.input());
        StructField textField = in.schema().apply(spec.textColumn());
        if (!textField.dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException(spec.input() + ": text column '" + spec.textColumn() + "' has type "
                    + textField.dataType().simpleString() + ", expected string");
        }
        List<Column> cols = new ArrayList<>();
        List<StructField> outFields = new ArrayList<>();
        for (String id : ids) {
            cols.add(functions.col(quote(id)));
            outFields.add(in.schema().apply(id));
        }
        cols.add(functions.col(quote(spec.textColumn())));
        outFields.add(DataTypes.createStructField(EncodeColumns.EMBEDDING,
                DataTypes.createArrayType(DataTypes.FloatType, false), true));
        Dataset<Row> selected = in.select(cols.toArray(new Column[0]));

        long total = selected.count();
        int partitions = selected.javaRDD().getNumPartitions();
        LOG.info("encode: {} rows in {} partitions from {}, text column '{}', ids {}", total, partitions,
                spec.input(), spec.textColumn(), ids);

        LongAccumulator done = spark.sparkContext().longAccumulator("encode rows");
        LongAccumulator blank = spark.sparkContext().longAccumulator("encode blank texts");
        JavaRDD<Row> out = selected.javaRDD().mapPartitions(
                new EncodePartition(factory, spec.options(), ids.size(), spec.sortWindow(), done, blank));
        Dataset<Row> result = spark.createDataFrame(out, new StructType(outFields.toArray(new StructField[0])));

        double seconds;
        try (ProgressLog progress = new ProgressLog("encode", done, total, progressMillis)) {
            result.write().mode(spec.overwrite() ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(spec.output());
            seconds = progress.elapsedSeconds();
            progress.log(done.value());
        }
        Result r = new Result(done.value(), blank.value(), seconds);
        if (r.blankTexts() > 0) {
            LOG.warn("encode: {} of {} rows have a null or blank '{}': their embedding is null", r.blankTexts(),
                    r.rows(), spec.textColumn());
        }
        LOG.info(String.format("encode: wrote %d rows to %s in %.1f s (%.1f rows/s)", r.rows(), spec.output(),
                r.seconds(), r.rowsPerSecond()));
        return r;
    }

    private static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }

    /** Runs in each partition: windows of rows sorted by length, embedded, emitted in input order. */
    private static final class EncodePartition implements FlatMapFunction<Iterator<Row>, Row> {
        private static final long serialVersionUID = 1L;
        private final TextEmbedderFactory factory;
        private final EncodeOptions options;
        private final int idCount;
        private final int window;
        private final LongAccumulator done;
        private final LongAccumulator blank;

        EncodePartition(TextEmbedderFactory factory, EncodeOptions options, int idCount, int window,
                        LongAccumulator done, LongAccumulator blank) {
            this.factory = factory;
            this.options = options;
            this.idCount = idCount;
            this.window = window;
            this.done = done;
            this.blank = blank;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
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
                        fill();
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

                private void fill() {
                    List<Row> in = new ArrayList<>();
                    List<String> texts = new ArrayList<>();
                    while (rows.hasNext() && in.size() < window) {
                        Row r = rows.next();
                        in.add(r);
                        texts.add(r.isNullAt(idCount) ? null : r.getString(idCount));
                    }
                    float[][] vectors = SharedEmbedders.withEmbedder(factory,
                            e -> new Encoder(e, options).encode(texts));
                    long blanks = 0;
                    for (int i = 0; i < in.size(); i++) {
                        Object[] values = new Object[idCount + 1];
                        for (int c = 0; c < idCount; c++) {
                            values[c] = in.get(i).get(c);
                        }
                        values[idCount] = vectors[i];
                        blanks += vectors[i] == null ? 1 : 0;
                        ready.add(RowFactory.create(values));
                    }
                    done.add(in.size());
                    blank.add(blanks);
                }
            };
        }
    }
}
