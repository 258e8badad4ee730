package org.bg2vec.spark;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.bg2vec.prepare.Dedup;
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
    static KeptSamples unique(JavaRDD<Sample> samples, ReasonCounts counts) {
        long before = samples.count();
        JavaRDD<Sample> byText = samples.mapToPair(s -> new Tuple2<>(Dedup.textKey(s), s))
                .reduceByKey(Dedup::sameTextWinner)
                .values();
        long afterText = byText.count();
        counts.add(Reasons.DUPLICATE, before - afterText);
        LOG.info("prepare: {} samples, {} exact duplicates removed", before, before - afterText);
        JavaPairRDD<Long, Sample> unique = byText.mapToPair(s -> new Tuple2<>(s.sampleId(), s))
                .reduceByKey(Dedup::sameIdWinner)
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        long after = unique.count();
        if (after < afterText) {
            counts.add(Reasons.DUPLICATE_SAMPLE_ID, afterText - after);
            LOG.warn("prepare: {} samples dropped because another input has a page with the same id (different"
                    + " text): prepare inputs of different wikis separately", afterText - after);
        }
        return new KeptSamples(unique, after, unique);
    }
}
