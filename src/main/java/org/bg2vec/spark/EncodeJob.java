package org.bg2vec.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.bg2vec.djl.DeviceRequest;
import org.bg2vec.encode.EncodeColumns;
import org.bg2vec.encode.EncodeSpec;
import org.bg2vec.encode.Encoder;
import org.bg2vec.encode.SharedEmbedders;
import org.bg2vec.encode.TextEmbedderFactory;
import org.bg2vec.prepare.OutputDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code encode} Spark job: reads a table, embeds its text column partition by partition with one
 * embedder per executor JVM ({@link SharedEmbedders}) and the core {@link Encoder}, and writes Parquet rows of
 * the id columns plus {@code embedding} (array&lt;float&gt;). Rows keep their ids; rows whose text is null or
 * blank get a null embedding and are counted. The output is written into a hidden temporary sibling and renamed
 * into place at the end ({@link OutputDirectory}), so an {@code --overwrite} that fails leaves the old output.
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

    static Result run(SparkSession spark, EncodeSpec spec, TextEmbedderFactory unresolved, long progressMillis) {
        TextEmbedderFactory factory = unresolved.resolve(spark.sparkContext().hadoopConfiguration());
        LOG.info("encode: model {}", factory.describe());
        Selection in = select(spark, spec);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        checkOutput(spec, hadoop);

        long total = in.rows().count();
        LOG.info("encode: {} rows in {} partitions from {}, text column '{}', ids {}", total,
                in.rows().javaRDD().getNumPartitions(), spec.input(), spec.textColumn(), in.ids());
        LongAccumulator done = spark.sparkContext().longAccumulator("encode rows");
        LongAccumulator blank = spark.sparkContext().longAccumulator("encode blank texts");
        JavaRDD<Row> out = in.rows().javaRDD().mapPartitions(new EmbedPartition(factory, spec.options(),
                in.ids().size(), spec.sortWindow(), placement(spark, spec.device(), "encode"), done, blank));
        Dataset<Row> result = spark.createDataFrame(out, in.outputSchema());

        double seconds;
        OutputDirectory target = createOutput(spec, hadoop);
        try (Stragglers jobs = Stragglers.track(spark.sparkContext(), "encode")) {
            seconds = write(result, target, jobs, new ProgressLog("encode", done, total, progressMillis), done);
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

    /** Writes the rows into {@code target}'s hidden sibling and publishes it (--overwrite is atomic). */
    private static double write(Dataset<Row> result, OutputDirectory target, Stragglers jobs, ProgressLog log,
                                LongAccumulator done) {
        try (ProgressLog progress = log) {
            result.write().mode(SaveMode.Overwrite).parquet(target.temp().toString());
            target.commit();
            double seconds = progress.elapsedSeconds();
            progress.log(done.value());
            return seconds;
        } catch (IOException e) {
            target.abort();
            throw new UncheckedIOException("cannot publish the encode output " + target.target() + ": "
                    + e.getMessage(), e);
        } catch (Exception e) { // also Spark's job failure, a checked exception Scala throws undeclared
            jobs.awaitStopped(Stragglers.PATIENCE);
            target.abort();
            throw e;
        }
    }

    /** The input's id columns then its text column, and the schema of the output rows. */
    private record Selection(Dataset<Row> rows, List<String> ids, StructType outputSchema) {
    }

    private static Selection select(SparkSession spark, EncodeSpec spec) {
        Dataset<Row> in = Tables.read(spark, spec.input(), spec.format());
        List<String> ids = EncodeColumns.resolve(Arrays.asList(in.columns()), spec.textColumn(), spec.idColumns(),
                spec.input());
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
        return new Selection(in.select(cols.toArray(new Column[0])), ids,
                new StructType(outFields.toArray(new StructField[0])));
    }

    private static void checkOutput(EncodeSpec spec, Configuration hadoop) {
        try {
            OutputDirectory.checkTarget(spec.output(), spec.overwrite(), hadoop);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the output " + spec.output() + ": " + e.getMessage(), e);
        }
    }

    private static OutputDirectory createOutput(EncodeSpec spec, Configuration hadoop) {
        try {
            return OutputDirectory.create(spec.output(), spec.overwrite(), hadoop);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary output next to " + spec.output() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The driver's device decision for an embedding job, logged in one line. */
    static EmbedPartition.Placement placement(SparkSession spark, DeviceRequest request, String job) {
        Map<String, String> conf = new HashMap<>();
        for (scala.Tuple2<String, String> e : spark.sparkContext().getConf().getAll()) {
            conf.put(e._1(), e._2());
        }
        DeviceRequest.Resolved d = request.resolve(conf);
        LOG.info("bg2vec device: {} embeds on {} ({})", job, d.gpu() ? "GPUs" : "the CPU", d.reason());
        return new EmbedPartition.Placement(d.gpu(), TrainJob.isLocal(spark.sparkContext().master()),
                new HadoopConf(spark.sparkContext().hadoopConfiguration()));
    }

    private static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }
}
