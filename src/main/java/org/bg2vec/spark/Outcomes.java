package org.bg2vec.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.bg2vec.prepare.CountsOutcome;
import org.bg2vec.prepare.InputPlan;
import org.bg2vec.prepare.OutcomeCodec;
import org.bg2vec.prepare.PrepareConfig;
import org.bg2vec.prepare.ReasonCounts;
import org.bg2vec.prepare.Reject;
import org.bg2vec.prepare.TokenizerBytes;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

/**
 * The outcomes of every input, computed once and kept in their compact encoded form ({@link OutcomeCodec}: byte
 * arrays, cached as they are: no serializer per record, and a byte array's size needs no estimation; spilling to
 * disk when memory is short) while the job reads its three views of them: the counts (with the number of samples),
 * the rejects and the samples. Closing releases the cache and the tokenizer broadcast.
 */
final class Outcomes implements AutoCloseable {

    private final JavaRDD<byte[]> all;
    private final Broadcast<byte[]> tokenizer;

    private Outcomes(JavaRDD<byte[]> encoded, Broadcast<byte[]> tokenizer) {
        this.all = encoded.persist(StorageLevel.MEMORY_AND_DISK());
        this.tokenizer = tokenizer;
    }

    /** The (lazy) outcomes of every input of the plan; nothing runs until a view is read. */
    static Outcomes read(SparkSession spark, PrepareConfig config, InputPlan plan, TokenizerBytes tok,
                         HadoopConf conf) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> bytes = jsc.broadcast(tok.bytes());
        try {
            return new Outcomes(OutcomeSources.outcomes(spark, config, plan, bytes, tok.sha256(), conf)
                    .map(OutcomeCodec::encode), bytes);
        } catch (RuntimeException e) {
            bytes.destroy();
            throw e;
        }
    }

    /** Every split's counts, summed, and the number of samples (runs the reading, cleaning and tokenization). */
    Tally tally() {
        ReasonCounts counts = new ReasonCounts();
        long samples = 0;
        for (Tally t : all.mapPartitions(Outcomes::tally).collect()) {
            counts.addAll(t.counts().asMap());
            samples += t.samples();
        }
        return new Tally(counts, samples);
    }

    private static Iterator<Tally> tally(Iterator<byte[]> outcomes) {
        ReasonCounts counts = new ReasonCounts();
        long samples = 0;
        while (outcomes.hasNext()) {
            byte[] b = outcomes.next();
            if (OutcomeCodec.kind(b) == OutcomeCodec.COUNTS) {
                counts.addAll(((CountsOutcome) OutcomeCodec.decode(b)).counts());
            } else if (OutcomeCodec.kind(b) == OutcomeCodec.SAMPLE) {
                samples++;
            }
        }
        return List.of(new Tally(counts, samples)).iterator();
    }

    JavaRDD<Reject> rejects() {
        return all.filter(b -> OutcomeCodec.kind(b) == OutcomeCodec.REJECT).map(b -> (Reject) OutcomeCodec.decode(b));
    }

    /** The samples, still encoded. */
    JavaRDD<byte[]> samples() {
        return all.filter(b -> OutcomeCodec.kind(b) == OutcomeCodec.SAMPLE);
    }

    /** The counts of what was read and left out, and the number of samples made (before de-duplication). */
    record Tally(ReasonCounts counts, long samples) implements Serializable {
    }

    @Override
    public void close() {
        all.unpersist(false);
        tokenizer.destroy();
    }
}
