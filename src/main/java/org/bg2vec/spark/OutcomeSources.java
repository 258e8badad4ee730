package org.bg2vec.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.bg2vec.io.Iterators;
import org.bg2vec.prepare.DumpSplit;
import org.bg2vec.prepare.InputFormat;
import org.bg2vec.prepare.InputPlan;
import org.bg2vec.prepare.IteratorRecordReader;
import org.bg2vec.prepare.LocalTokenizerFile;
import org.bg2vec.prepare.Outcome;
import org.bg2vec.prepare.PlainText;
import org.bg2vec.prepare.PrepareConfig;
import org.bg2vec.prepare.PrepareWorker;
import org.bg2vec.prepare.Reasons;
import org.bg2vec.prepare.Reject;
import org.bg2vec.prepare.ResolvedInput;
import org.bg2vec.prepare.SourceRecord;
import org.bg2vec.prepare.SplitReaders;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** The RDD of outcomes of all inputs: one task per dump split, Spark's own partitions for Parquet. */
final class OutcomeSources {

    /** Columns an already-clean Parquet input must have (HF wikimedia/wikipedia: id, url, title, text). */
    static final List<String> PARQUET_COLUMNS = List.of("id", "title", "text");

    private OutcomeSources() {
    }

    static JavaRDD<Outcome> outcomes(SparkSession spark, PrepareConfig config, InputPlan plan,
                                     Broadcast<byte[]> tokBytes, String sha256, HadoopConf conf) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<DumpSplit> splits = plan.splits();
        List<JavaRDD<Outcome>> parts = new ArrayList<>();
        if (!splits.isEmpty()) {
            // one split per partition (parallelize with as many slices as elements); chained lazily regardless
            parts.add(jsc.parallelize(splits, splits.size()).mapPartitions(it -> new Iterator<Outcome>() {
                private Iterator<Outcome> current = java.util.Collections.emptyIterator();

                public boolean hasNext() {
                    while (!current.hasNext() && it.hasNext()) {
                        try {
                            current = splitOutcomes(it.next(), config, tokBytes, sha256, conf);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                    return current.hasNext();
                }

                public Outcome next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return current.next();
                }
            }));
        }
        for (ResolvedInput in : plan.inputs()) {
            if (in.format() == InputFormat.PARQUET) {
                parts.add(parquet(spark, config, in, tokBytes, sha256));
            }
        }
        JavaRDD<Outcome> all = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            all = all.union(parts.get(i));
        }
        return all;
    }

    private static JavaRDD<Outcome> parquet(SparkSession spark, PrepareConfig config, ResolvedInput in,
                                            Broadcast<byte[]> tokBytes, String sha256) {
        Dataset<Row> df = spark.read().parquet(in.path());
        Set<String> found = Set.of(df.columns());
        for (String c : PARQUET_COLUMNS) {
            if (!found.contains(c)) {
                throw new IllegalArgumentException(in.path() + ": Parquet input needs the columns "
                        + String.join(", ", PARQUET_COLUMNS) + " (the HF wikimedia/wikipedia layout id, url, title,"
                        + " text); found: " + String.join(", ", Arrays.asList(df.columns())));
            }
        }
        String source = in.path();
        int index = in.index();
        return df.select("id", "title", "text").javaRDD().mapPartitions(rows -> {
            PrepareWorker w = worker(config, tokBytes, sha256);
            Iterator<SourceRecord> records = Iterators.map(rows, row -> toRecord(row, source));
            return w.outcomes(new IteratorRecordReader(records), source, index);
        });
    }

    /** A worker with the broadcast tokenizer (its local copy is written once per JVM). */
    private static PrepareWorker worker(PrepareConfig config, Broadcast<byte[]> tokBytes, String sha256)
            throws IOException {
        return PrepareWorker.open(config, LocalTokenizerFile.materialize(tokBytes.value(), sha256));
    }

    /** The outcomes of one split. */
    private static Iterator<Outcome> splitOutcomes(DumpSplit split, PrepareConfig config, Broadcast<byte[]> tokBytes,
                                                   String sha256, HadoopConf conf) throws IOException {
        PrepareWorker w = worker(config, tokBytes, sha256);
        return w.outcomes(SplitReaders.open(split, conf.get(), config.maxPageBytes()), split.path(),
                split.inputIndex());
    }

    private static SourceRecord toRecord(Row row, String source) {
        Object rawId = row.get(0);
        Long id = PlainText.parseId(rawId);
        String title = row.isNullAt(1) ? null : row.get(1).toString();
        if (id == null || title == null || row.isNullAt(2)) {
            return new SourceRecord.Rejected(new Reject(id, title, source, Reasons.BAD_ROW,
                    "row with " + (id == null ? "missing or invalid id '" + rawId + "'" : "null title or text")));
        }
        return new SourceRecord.PlainArticle(id, title, row.get(2).toString());
    }
}
