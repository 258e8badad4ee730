package org.bg2vec.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.bg2vec.prepare.DumpReadException;
import org.bg2vec.prepare.DuplicateTexts;
import org.bg2vec.prepare.InputPlan;
import org.bg2vec.prepare.InputPlanner;
import org.bg2vec.prepare.OutcomeCodec;
import org.bg2vec.prepare.OutputDirectory;
import org.bg2vec.prepare.PhaseTimer;
import org.bg2vec.prepare.PrepareConfig;
import org.bg2vec.prepare.PrepareManifest;
import org.bg2vec.prepare.ReasonCounts;
import org.bg2vec.prepare.TokenizerBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The {@code prepare} Spark job: dump (XML, multistream + index), Parquet or JSONL → clean text → tokenized
 * samples → train/validation Parquet shards, rejects and {@code manifest.json}, written atomically. The work
 * and its rules live in {@code org.bg2vec.prepare}; this driver only runs the phases in order:
 * read ({@link OutcomeSources}, {@link Outcomes}), rejects and shards ({@link ShardWrites}), de-duplication
 * ({@link SampleDedup}, {@link NearDuplicates}), manifest.
 */
public final class PrepareJob {

    private static final Logger LOG = LoggerFactory.getLogger(PrepareJob.class);

    private PrepareJob() {
    }

    /** Runs in its own session on {@code master} (null: spark-submit's, else local[*]) and stops it afterwards. */
    public static PrepareManifest run(String master, Map<String, String> sparkConf, PrepareConfig config)
            throws IOException {
        SparkSession spark = SparkSessions.getOrCreate(master, "bg2vec prepare", sparkConf);
        try {
            return run(spark, config);
        } finally {
            spark.stop();
        }
    }

    /** Runs the job; returns the manifest that was written. */
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
        PhaseTimer timer = new PhaseTimer();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = jsc.hadoopConfiguration();
        OutputDirectory.checkTarget(config.output(), config.overwrite(), hadoop);
        TokenizerBytes tok = TokenizerBytes.load(config.tokenizer(), hadoop);
        LOG.info("prepare: tokenizer {} (sha256 {}, vocab {}), max_seq_length {}, {} samples",
                config.tokenizer(), tok.sha256(), tok.vocabSize(), config.maxSeqLength(), config.sampleMode().id());
        InputPlan plan = timer.time("plan", () -> InputPlan.of(new InputPlanner(hadoop), config,
                jsc.defaultParallelism()));

        OutputDirectory out = OutputDirectory.create(config.output(), config.overwrite(), hadoop);
        HadoopConf conf = new HadoopConf(hadoop);
        PrepareManifest manifest;
        try (Stragglers jobs = Stragglers.track(spark.sparkContext(), "prepare")) {
            manifest = writeAll(spark, config, plan, tok, out, conf, timer, jobs);
        }
        LOG.info("prepare: done in {} s: {}", String.format("%.1f", timer.elapsed()), out.target());
        return manifest;
    }

    /** Reads, cleans, tokenizes, de-duplicates and writes the shards, then publishes {@code out}. */
    private static PrepareManifest writeAll(SparkSession spark, PrepareConfig config, InputPlan plan,
                                            TokenizerBytes tok, OutputDirectory out, HadoopConf conf,
                                            PhaseTimer timer, Stragglers jobs) throws IOException {
        try (Outcomes outcomes = Outcomes.read(spark, config, plan, tok, conf)) {
            Outcomes.Tally read = timer.time("read_clean_tokenize", outcomes::tally);
            ReasonCounts counts = read.counts();
            plan.requireRecords(counts);
            LOG.info("prepare: read {} records; left out so far: {}", counts.get(ReasonCounts.RECORDS_READ),
                    counts.reasons());
            long rejects = timer.time("rejects", () -> ShardWrites.rejects(outcomes.rejects(), out, conf));
            PrepareManifest.Splits splits = config.nearDup()
                    ? withoutNearDuplicates(spark, outcomes.samples(), read.samples(), config, counts, out, conf,
                    timer)
                    : withoutDuplicates(JavaSparkContext.fromSparkContext(spark.sparkContext()), outcomes.samples(),
                    read.samples(), config, counts, out, conf, timer);
            LOG.info("prepare: wrote {} train and {} validation samples in {} shards each, {} rejects",
                    splits.train().samples(), splits.validation().samples(), config.shards(), rejects);
            PrepareManifest manifest = PrepareManifest.of(config, plan.manifestInputs(counts),
                    tok.manifestEntry(config.tokenizer()), splits, counts.reasons(), rejects, timer.finish());
            writeManifest(manifest, out, conf.get());
            out.commit();
            return manifest;
        } catch (Exception e) {
            jobs.awaitStopped(Stragglers.PATIENCE);
            out.abort();
            throw e;
        }
    }

    /**
     * Exact de-duplication and the shards: a shuffle of (text key, sample id) pairs finds the duplicated texts
     * ({@link SampleDedup#duplicateTexts}), sent to every task to filter the samples on the way to the shard sort,
     * whose writer drops samples with an id already taken ({@link SampleDedup}).
     */
    private static PrepareManifest.Splits withoutDuplicates(JavaSparkContext jsc, JavaRDD<byte[]> samples,
                                                            long before, PrepareConfig config, ReasonCounts counts,
                                                            OutputDirectory out, HadoopConf conf, PhaseTimer timer)
            throws IOException {
        DuplicateTexts dups = timer.time("dedup", () -> SampleDedup.duplicateTexts(samples));
        Broadcast<DuplicateTexts> kept = jsc.broadcast(dups);
        try {
            ShardWrites.Written w = timer.time("shuffle_write", () -> ShardWrites.splits(
                    samples.filter(b -> kept.value().keeps(OutcomeCodec.textKey(b), OutcomeCodec.sampleId(b))),
                    config, out, conf));
            SampleDedup.count(counts, before, w.samples() + w.sameIdDropped(), w.samples());
            counts.requireSamplesLeft(w.samples());
            return w.splits();
        } finally {
            kept.destroy();
        }
    }

    /** Exact de-duplication (persisted), near-duplicate removal, then the shards. */
    private static PrepareManifest.Splits withoutNearDuplicates(SparkSession spark, JavaRDD<byte[]> samples,
                                                                long before, PrepareConfig config,
                                                                ReasonCounts counts, OutputDirectory out,
                                                                HadoopConf conf, PhaseTimer timer)
            throws IOException {
        try (KeptSamples kept = timer.time("dedup", () -> SampleDedup.unique(samples, before, counts))) {
            KeptSamples filtered = timer.time("near_dup", () -> NearDuplicates.remove(spark, kept, config, counts));
            counts.requireSamplesLeft(filtered.count());
            return timer.time("shuffle_write", () -> ShardWrites.splits(filtered.samples(), config, out, conf))
                    .splits();
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

    private static void writeManifest(PrepareManifest m, OutputDirectory out, Configuration hadoop)
            throws IOException {
        Path p = out.resolve(PrepareManifest.FILE_NAME);
        try (FSDataOutputStream os = p.getFileSystem(hadoop).create(p, true)) {
            os.write(m.toJson().getBytes(StandardCharsets.UTF_8));
        }
    }
}
