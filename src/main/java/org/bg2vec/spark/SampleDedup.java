package org.bg2vec.spark;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.bg2vec.prepare.Dedup;
import org.bg2vec.prepare.OutcomeCodec;
import org.bg2vec.prepare.ReasonCounts;
import org.bg2vec.prepare.Reasons;
import org.bg2vec.prepare.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/** Exact de-duplication as two shuffles, one per {@link Dedup} rule; counts what each removes. */
final class SampleDedup {

    private static final Logger LOG = LoggerFactory.getLogger(SampleDedup.class);

    private SampleDedup() {
    }

    /**
     * The samples without exact duplicates, keyed by sample id and persisted (closing the result unpersists).
     * Adds {@link Reasons#DUPLICATE} and {@link Reasons#DUPLICATE_SAMPLE_ID} to {@code counts}.
     */
    static KeptSamples unique(JavaRDD<byte[]> samples, ReasonCounts counts) {
        long before = samples.count();
        JavaRDD<byte[]> byText = samples.mapToPair(b -> new Tuple2<>(OutcomeCodec.textKey(b), b))
                .reduceByKey((a, b) -> Dedup.keepsFirstOfSameText(OutcomeCodec.sampleId(a), OutcomeCodec.sampleId(b))
                        ? a : b)
                .values();
        long afterText = byText.count();
        counts.add(Reasons.DUPLICATE, before - afterText);
        LOG.info("prepare: {} samples, {} exact duplicates removed", before, before - afterText);
        JavaPairRDD<Long, byte[]> unique = byText.mapToPair(b -> new Tuple2<>(OutcomeCodec.sampleId(b), b))
                .reduceByKey(SampleDedup::sameIdWinner)
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        long after = unique.count();
        if (after < afterText) {
            counts.add(Reasons.DUPLICATE_SAMPLE_ID, afterText - after);
            LOG.warn("prepare: {} samples dropped because another input has a page with the same id (different"
                    + " text): prepare inputs of different wikis separately", afterText - after);
        }
        return new KeptSamples(unique, after, unique);
    }

    /** {@link Dedup#sameIdWinner} of two encoded samples (rare: only two inputs with the same page id). */
    private static byte[] sameIdWinner(byte[] a, byte[] b) {
        Sample sa = (Sample) OutcomeCodec.decode(a);
        return Dedup.sameIdWinner(sa, (Sample) OutcomeCodec.decode(b)) == sa ? a : b;
    }
}
