package org.bg2vec.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.bg2vec.prepare.CountsOutcome;
import org.bg2vec.prepare.HadoopConf;
import org.bg2vec.prepare.InputPlan;
import org.bg2vec.prepare.Outcome;
import org.bg2vec.prepare.PrepareConfig;
import org.bg2vec.prepare.ReasonCounts;
import org.bg2vec.prepare.Reject;
import org.bg2vec.prepare.Sample;
import org.bg2vec.prepare.TokenizerBytes;

import java.util.Collections;

/**
 * The outcomes of every input, computed once and kept (serialized, spilling to disk) while the job reads its three
 * views of them: the counts, the rejects and the samples. Closing releases the cache and the tokenizer broadcast.
 */
final class Outcomes implements AutoCloseable {

    private final JavaRDD<Outcome> all;
    private final Broadcast<byte[]> tokenizer;

    private Outcomes(JavaRDD<Outcome> outcomes, Broadcast<byte[]> tokenizer) {
        this.all = outcomes.persist(StorageLevel.MEMORY_AND_DISK_SER());
        this.tokenizer = tokenizer;
    }

    /** The (lazy) outcomes of every input of the plan; nothing runs until a view is read. */
    static Outcomes read(SparkSession spark, PrepareConfig config, InputPlan plan, TokenizerBytes tok,
                         HadoopConf conf) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> bytes = jsc.broadcast(tok.bytes());
        try {
            return new Outcomes(OutcomeSources.outcomes(spark, config, plan, bytes, tok.sha256(), conf), bytes);
        } catch (RuntimeException e) {
            bytes.destroy();
            throw e;
        }
    }

    /** Every split's counts, summed (runs the reading, cleaning and tokenization). */
    ReasonCounts counts() {
        ReasonCounts counts = new ReasonCounts();
        counts.addAll(all.filter(o -> o instanceof CountsOutcome)
                .map(o -> ((CountsOutcome) o).counts())
                .fold(Collections.emptyMap(), ReasonCounts::merge));
        return counts;
    }

    JavaRDD<Reject> rejects() {
        return all.filter(o -> o instanceof Reject).map(o -> (Reject) o);
    }

    JavaRDD<Sample> samples() {
        return all.filter(o -> o instanceof Sample).map(o -> (Sample) o);
    }

    @Override
    public void close() {
        all.unpersist(false);
        tokenizer.destroy();
    }
}
