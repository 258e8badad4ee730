package org.bg2vec.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.bg2vec.prepare.CountsOutcome;
import org.bg2vec.prepare.DumpReadException;
import org.bg2vec.prepare.DumpSplit;
import org.bg2vec.prepare.HadoopConf;
import org.bg2vec.prepare.InputFormat;
import org.bg2vec.prepare.InputPlanner;
import org.bg2vec.prepare.LocalTokenizerFile;
import org.bg2vec.prepare.Outcome;
import org.bg2vec.prepare.OutputDirectory;
import org.bg2vec.prepare.PrepareConfig;
import org.bg2vec.prepare.PrepareManifest;
import org.bg2vec.prepare.PrepareWorker;
import org.bg2vec.prepare.Reasons;
import org.bg2vec.prepare.ReasonCounts;
import org.bg2vec.prepare.Reject;
import org.bg2vec.prepare.ResolvedInput;
import org.bg2vec.prepare.Sample;
import org.bg2vec.prepare.ShardWriter;
import org.bg2vec.prepare.SplitReaders;
import org.bg2vec.prepare.StableHash;
import org.bg2vec.tokenize.Llm2VecTokenizer;
import org.bg2vec.tokenize.TokenizerFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code prepare} Spark job: dump (XML, multistream + index), Parquet or JSONL → clean text → tokenized
 * samples → train/validation Parquet shards, rejects and {@code manifest.json}, written atomically. The work
 * itself lives in {@code org.bg2vec.prepare}; this driver only wires it into RDDs.
 */
public final class PrepareJob {

    private static final Logger LOG = LoggerFactory.getLogger(PrepareJob.class);
    /** Salt of the train/validation hash (independent of --seed, so changing the seed keeps the split). */
    static final long SPLIT_SALT = 0x5EED5A17L;

    private PrepareJob() {
    }

    /** Runs the job; returns the manifest that was written. */
    /** Runs in its own session on {@code master} (null: spark-submit's, else local[*]) and stops it afterwards. */
    public static PrepareManifest run(String master, java.util.Map<String, String> sparkConf, PrepareConfig config)
            throws IOException {
        SparkSession spark = SparkSessions.getOrCreate(master, "bg2vec prepare", sparkConf);
        try {
            return run(spark, config);
        } finally {
            spark.stop();
        }
    }

    public static PrepareManifest run(SparkSession spark, PrepareConfig config) throws IOException {
        try {
            return runUnwrapped(spark, config);
        } catch (Exception e) { // SparkException is checked but thrown undeclared by Scala code
            Exception u = unwrap(e);
            if (u instanceof RuntimeException r) {
                throw r;
            }
            if (u instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("prepare failed: " + u.getMessage(), u);
        }
    }

    private static PrepareManifest runUnwrapped(SparkSession spark, PrepareConfig config) throws IOException {
        long t0 = System.nanoTime();
        Map<String, Double> timing = new LinkedHashMap<>();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = jsc.hadoopConfiguration();
        OutputDirectory.checkTarget(config.output(), config.overwrite(), hadoop);

        TokenizerInfo tok = TokenizerInfo.load(config, hadoop);
        LOG.info("prepare: tokenizer {} (sha256 {}, vocab {}), max_seq_length {}, {} samples",
                config.tokenizer(), tok.sha256, tok.vocabSize, config.maxSeqLength(), config.sampleMode().id());

        InputPlanner planner = new InputPlanner(hadoop);
        List<ResolvedInput> inputs = planner.resolve(config.inputs(), config.format(), config.indexes());
        int parallelism = jsc.defaultParallelism();
        List<DumpSplit> splits = new ArrayList<>();
        for (ResolvedInput in : inputs) {
            if (in.format() != InputFormat.PARQUET) {
                List<DumpSplit> s = planner.splits(in, parallelism);
                LOG.info("prepare: input {} ({} bytes, {}{}): {} task(s)", in.path(), in.bytes(), in.format().id(),
                        in.indexPath() == null ? "" : ", index " + in.indexPath(), s.size());
                splits.addAll(s);
            } else {
                LOG.info("prepare: input {} ({} bytes, parquet)", in.path(), in.bytes());
            }
        }
        timing.put("plan", seconds(t0));

        OutputDirectory out = OutputDirectory.create(config.output(), config.overwrite(), hadoop);
        Broadcast<byte[]> tokBytes = jsc.broadcast(tok.bytes);
        HadoopConf conf = new HadoopConf(hadoop);
        JavaRDD<Outcome> outcomes = null;
        JavaPairRDD<Long, Sample> unique = null;
        try {
            outcomes = OutcomeSources.outcomes(spark, jsc, config, inputs, splits, tokBytes, tok.sha256, conf)
                    .persist(StorageLevel.MEMORY_AND_DISK_SER());

            long t1 = System.nanoTime();
            ReasonCounts counts = new ReasonCounts();
            counts.addAll(outcomes.filter(o -> o instanceof CountsOutcome)
                    .map(o -> ((CountsOutcome) o).counts())
                    .fold(Collections.emptyMap(), ReasonCounts::merge));
            timing.put("read_clean_tokenize", seconds(t1));
            checkNotEmpty(inputs, counts);
            LOG.info("prepare: read {} records; left out so far: {}", counts.get(ReasonCounts.RECORDS_READ),
                    counts.reasons());

            long t2 = System.nanoTime();
            long rejects = writeRejects(outcomes, out, conf);
            timing.put("rejects", seconds(t2));

            long t3 = System.nanoTime();
            JavaRDD<Sample> samples = outcomes.filter(o -> o instanceof Sample).map(o -> (Sample) o);
            long before = samples.count();
            JavaRDD<Sample> byText = samples.mapToPair(s -> new Tuple2<>(StableHash.textHash(s.text()), s))
                    .reduceByKey((a, b) -> a.sampleId() <= b.sampleId() ? a : b)
                    .values();
            long afterText = byText.count();
            counts.add(Reasons.DUPLICATE, before - afterText);
            LOG.info("prepare: {} samples, {} exact duplicates removed", before, before - afterText);
            // the same page id in two inputs (two wikis) would give two samples one id: keep one, count the other
            unique = byText.mapToPair(s -> new Tuple2<>(s.sampleId(), s))
                    .reduceByKey(PrepareJob::sameIdWinner)
                    .persist(StorageLevel.MEMORY_AND_DISK_SER());
            long after = unique.count();
            if (after < afterText) {
                counts.add(Reasons.DUPLICATE_SAMPLE_ID, afterText - after);
                LOG.warn("prepare: {} samples dropped because another input has a page with the same id (different"
                        + " text): prepare inputs of different wikis separately", afterText - after);
            }
            timing.put("dedup", seconds(t3));

            JavaRDD<Sample> kept = unique.values();
            if (config.nearDup()) {
                long t4 = System.nanoTime();
                JavaPairRDD<Long, Sample> filtered = NearDuplicates.remove(spark, unique, config.nearDupThreshold(),
                        config.seed());
                long left = filtered.count();
                counts.add(Reasons.NEAR_DUPLICATE, after - left);
                LOG.info("prepare: {} near-duplicates removed (Jaccard >= {})", after - left,
                        config.nearDupThreshold());
                kept = filtered.values();
                after = left;
                timing.put("near_dup", seconds(t4));
            }
            if (after == 0) {
                throw new IllegalStateException("no samples left after the filters (left out: " + counts.reasons()
                        + "); check --min-tokens / --min-cyrillic and the inputs");
            }

            long t5 = System.nanoTime();
            double fraction = config.validationFraction();
            JavaRDD<Sample> validation = kept.filter(s -> isValidation(s.pageId(), fraction));
            JavaRDD<Sample> train = kept.filter(s -> !isValidation(s.pageId(), fraction));
            PrepareManifest.Split trainSplit = writeSplit(train, "train", config, out, conf);
            PrepareManifest.Split valSplit = writeSplit(validation, "validation", config, out, conf);
            timing.put("shuffle_write", seconds(t5));
            LOG.info("prepare: wrote {} train and {} validation samples in {} shards each, {} rejects",
                    trainSplit.samples(), valSplit.samples(), config.shards(), rejects);

            timing.put("total", seconds(t0));
            PrepareManifest manifest = manifest(config, inputs, counts, tok, trainSplit, valSplit, rejects, timing);
            writeManifest(manifest, out, hadoop);
            out.commit();
            LOG.info("prepare: done in {} s: {}", String.format("%.1f", seconds(t0)), out.target());
            return manifest;
        } catch (Exception e) {
            out.abort();
            throw e;
        } finally {
            if (outcomes != null) {
                outcomes.unpersist(false);
            }
            if (unique != null) {
                unique.unpersist(false);
            }
            tokBytes.destroy();
        }
    }

    /**
     * A task's clear input error (a {@link DumpReadException} thrown on an executor) arrives wrapped in a
     * SparkException: surface the original message.
     */
    static <E extends Exception> Exception unwrap(E e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DumpReadException d) {
                return new DumpReadException(d.getMessage(), e);
            }
        }
        String m = e.getMessage();
        String marker = DumpReadException.class.getName() + ": ";
        int at = m == null ? -1 : m.indexOf(marker);
        if (at >= 0) {
            String msg = m.substring(at + marker.length()).lines().findFirst().orElse("");
            return new DumpReadException(msg, e);
        }
        return e;
    }

    /** Of two samples with the same id and different texts, the one with the smaller text hash (deterministic). */
    private static Sample sameIdWinner(Sample a, Sample b) {
        int c = Long.compare(StableHash.textHash(a.text()), StableHash.textHash(b.text()));
        return c < 0 || (c == 0 && a.title().compareTo(b.title()) <= 0) ? a : b;
    }

    /** Whether a page goes to validation: a hash of its id only, so no article is in both splits. */
    public static boolean isValidation(long pageId, double fraction) {
        return StableHash.unit(StableHash.mix(SPLIT_SALT, pageId)) < fraction;
    }

    private static void checkNotEmpty(List<ResolvedInput> inputs, ReasonCounts counts) {
        for (ResolvedInput in : inputs) {
            if (counts.get(ReasonCounts.inputKey(in.index())) == 0) {
                String what = in.format() == InputFormat.XML ? "pages (<page> elements)" : "rows";
                throw new IllegalStateException(in.path() + ": the input has no " + what
                        + ": an empty dump or not a MediaWiki export / clean-text file");
            }
        }
    }

    private static long writeRejects(JavaRDD<Outcome> outcomes, OutputDirectory out, HadoopConf conf) {
        String dir = out.resolve("rejects").toString();
        List<Long> n = outcomes.filter(o -> o instanceof Reject).map(o -> (Reject) o)
                .sortBy(PrepareJob::rejectKey, true, 1)
                .mapPartitions(it -> {
                    Path file = new Path(dir, ShardWriter.shardName(0));
                    return List.of(ShardWriter.writeRejects(conf.get(), file, attempt(), it)).iterator();
                }).collect();
        return n.stream().mapToLong(Long::longValue).sum();
    }

    private static String rejectKey(Reject r) {
        return r.source() + '\u0000' + String.format("%020d", r.pageId() == null ? -1 : r.pageId()) + '\u0000'
                + r.reason() + '\u0000' + r.detail();
    }

    private static PrepareManifest.Split writeSplit(JavaRDD<Sample> samples, String name, PrepareConfig config,
                                                    OutputDirectory out, HadoopConf conf) {
        int shards = config.shards();
        long seed = config.seed();
        String dir = out.resolve(name).toString();
        List<Long> written = samples
                .mapToPair(s -> new Tuple2<>(new ShardOrder.Key(StableHash.mix(seed, s.sampleId()), s.sampleId()), s))
                .repartitionAndSortWithinPartitions(new ShardOrder.Partitioner(shards))
                .mapPartitions((Iterator<Tuple2<ShardOrder.Key, Sample>> it) -> {
                    int shard = TaskContext.getPartitionId();
                    Path file = new Path(dir, ShardWriter.shardName(shard));
                    Iterator<Sample> rows = new Iterator<>() {
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        public Sample next() {
                            return it.next()._2();
                        }
                    };
                    return List.of(ShardWriter.writeSamples(conf.get(), file, attempt(), rows)).iterator();
                }).collect();
        List<String> files = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            files.add(name + "/" + ShardWriter.shardName(i));
        }
        return new PrepareManifest.Split(written.stream().mapToLong(Long::longValue).sum(), files);
    }

    private static String attempt() {
        TaskContext tc = TaskContext.get();
        return tc == null ? "driver" : tc.stageAttemptNumber() + "-" + tc.attemptNumber() + "-" + tc.taskAttemptId();
    }

    private static PrepareManifest manifest(PrepareConfig config, List<ResolvedInput> inputs, ReasonCounts counts,
                                            TokenizerInfo tok, PrepareManifest.Split train,
                                            PrepareManifest.Split validation, long rejects,
                                            Map<String, Double> timing) {
        List<PrepareManifest.Input> ins = new ArrayList<>();
        for (ResolvedInput in : inputs) {
            ins.add(new PrepareManifest.Input(in.path(), in.bytes(), in.format(),
                    counts.get(ReasonCounts.inputKey(in.index()))));
        }
        String version = PrepareJob.class.getPackage().getImplementationVersion();
        return new PrepareManifest(PrepareManifest.FORMAT_VERSION, version == null ? "development" : version,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), ins, config.redactedForManifest(),
                new PrepareManifest.Tokenizer(tok.sha256, tok.vocabSize, config.tokenizer()),
                config.maxSeqLength(), config.sampleMode(), new PrepareManifest.Splits(train, validation),
                counts.reasons(), rejects, timing);
    }

    private static void writeManifest(PrepareManifest m, OutputDirectory out, Configuration hadoop)
            throws IOException {
        Path p = out.resolve(PrepareManifest.FILE_NAME);
        try (FSDataOutputStream os = p.getFileSystem(hadoop).create(p, true)) {
            os.write(m.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static double seconds(long sinceNanos) {
        return Math.round((System.nanoTime() - sinceNanos) / 1e7) / 100.0;
    }

    /** The tokenizer as the driver sees it: bytes to broadcast, sha256, vocabulary size (loading it once checks it). */
    private record TokenizerInfo(byte[] bytes, String sha256, int vocabSize) {
        static TokenizerInfo load(PrepareConfig config, Configuration hadoop) throws IOException {
            Path p = new Path(config.tokenizer());
            FileSystem fs = p.getFileSystem(hadoop);
            if (!fs.exists(p)) {
                throw new IllegalArgumentException("tokenizer not found: " + config.tokenizer()
                        + " (pass the model's tokenizer.json with --tokenizer)");
            }
            byte[] bytes;
            try (InputStream in = fs.open(p)) {
                bytes = in.readAllBytes();
            }
            String sha = TokenizerFiles.sha256(bytes);
            java.nio.file.Path local = LocalTokenizerFile.materialize(bytes, sha);
            try (Llm2VecTokenizer t = Llm2VecTokenizer.load(local, config.maxSeqLength())) {
                return new TokenizerInfo(bytes, sha, t.vocabSize());
            }
        }
    }

    /** Opens a worker for a task and closes it when the task ends, whatever happens. */
    static PrepareWorker worker(PrepareConfig config, Broadcast<byte[]> tokBytes, String sha256) throws IOException {
        PrepareWorker w = PrepareWorker.open(config, LocalTokenizerFile.materialize(tokBytes.value(), sha256));
        TaskContext tc = TaskContext.get();
        if (tc != null) {
            tc.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) c -> w.close());
        }
        return w;
    }

    /** Records of one split, for {@link OutcomeSources}. */
    static Iterator<Outcome> splitOutcomes(DumpSplit split, PrepareConfig config, Broadcast<byte[]> tokBytes,
                                           String sha256, HadoopConf conf) throws IOException {
        PrepareWorker w = worker(config, tokBytes, sha256);
        return w.outcomes(SplitReaders.open(split, conf.get(), config.maxPageBytes()), split.path(),
                split.inputIndex());
    }
}
