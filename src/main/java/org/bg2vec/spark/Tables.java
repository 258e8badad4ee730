package org.bg2vec.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.bg2vec.io.TableFormat;

/**
 * Reads a table in one of the {@link TableFormat}s. JSON lines and CSV are read in FAILFAST mode: a malformed
 * line stops the job with Spark's message quoting the record, rather than turning into a silent null row.
 * CSV needs a header line; its columns are read as strings.
 */
public final class Tables {

    private Tables() {
    }

    public static Dataset<Row> read(SparkSession spark, String path, TableFormat format) {
        switch (format) {
            case PARQUET:
                return spark.read().parquet(path);
            case JSONL:
                return spark.read().option("mode", "FAILFAST").json(path);
            case CSV:
                return spark.read().option("mode", "FAILFAST").option("header", "true")
                        .option("multiLine", "true").option("escape", "\"").csv(path);
            default:
                throw new IllegalArgumentException("unsupported format " + format);
        }
    }
}
