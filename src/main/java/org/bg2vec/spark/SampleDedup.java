package org.bg2vec.spark;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.bg2vec.prepare.Dedup;
import org.bg2vec.prepare.DuplicateTexts;
import org.bg2vec.prepare.OutcomeCodec;
import org.bg2vec.prepare.ReasonCounts;
import org.bg2vec.prepare.Reasons;
import org.bg2vec.prepare.SameIdRuns;
import org.bg2vec.prepare.TextKeyTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.List;

/**
 * Exact de-duplication. The job's usual path finds the duplicated texts from a shuffle of (text key, sample id)
 * pairs only ({@link #duplicateTexts}) and filters the samples with them on the way to the shard sort, which
 * brings samples of the same id together: the shard writer applies the second rule ({@link SameIdRuns}).
 * Near-duplicate removal needs both rules applied first, one shuffle of the samples per rule ({@link #unique}).
 */
final class SampleDedup {

    private static final Logger LOG = LoggerFactory.getLogger(SampleDedup.class);

    private SampleDedup() {
    }

    /**
     * The texts more than one sample has, with the sample id kept for each. Each task combines its samples'
     * (text key, sample id) pairs in a {@link TextKeyTable} and shuffles one packed array per reduce partition;
     * the reduce side merges them and returns the duplicated texts (collected: one entry per duplicated text).
     */
    static DuplicateTexts duplicateTexts(JavaRDD<byte[]> samples) {
        int partitions = samples.getNumPartitions();
        List<List<long[]>> dups = samples
                .mapPartitionsToPair(it -> {
                    TextKeyTable t = new TextKeyTable();
                    while (it.hasNext()) {
                        byte[] b = it.next();
                        t.add(OutcomeCodec.textKey(b), OutcomeCodec.sampleId(b), 1);
                    }
                    long[][] packed = t.packByPartition(partitions);
                    List<Tuple2<Integer, long[]>> out = new ArrayList<>();
                    for (int p = 0; p < partitions; p++) {
                        if (packed[p].length > 0) {
                            out.add(new Tuple2<>(p, packed[p]));
                        }
                    }
                    return out.iterator();
                })
                .partitionBy(new HashPartitioner(partitions)) // an Integer key p goes to partition p
                .mapPartitions(it -> {
                    TextKeyTable t = new TextKeyTable();
                    while (it.hasNext()) {
                        t.addPacked(it.next()._2());
                    }
                    return List.of(t.duplicated()).iterator();
                })
                .collect();
        List<long[]> all = new ArrayList<>();
        dups.forEach(all::addAll);
        return DuplicateTexts.of(all);
    }

    /** The samples with one sample per text, the one {@link Dedup#keepsFirstOfSameText} keeps (lazy: a shuffle). */
    static JavaRDD<byte[]> distinctTexts(JavaRDD<byte[]> samples) {
        return samples.mapToPair(b -> new Tuple2<>(OutcomeCodec.textKey(b), b))
                .reduceByKey((a, b) -> Dedup.keepsFirstOfSameText(OutcomeCodec.sampleId(a), OutcomeCodec.sampleId(b))
                        ? a : b)
                .values();
    }

    /** Counts what the two rules removed from {@code before} samples, leaving {@code after}, and logs it. */
    static void count(ReasonCounts counts, long before, long afterText, long after) {
        counts.add(Reasons.DUPLICATE, before - afterText);
        LOG.info("prepare: {} samples, {} exact duplicates removed", before, before - afterText);
        if (after < afterText) {
            counts.add(Reasons.DUPLICATE_SAMPLE_ID, afterText - after);
            LOG.warn("prepare: {} samples dropped because another input has a page with the same id (different"
                    + " text): prepare inputs of different wikis separately", afterText - after);
        }
    }

    /**
     * The {@code before} samples without exact duplicates, keyed by sample id and persisted (closing the result
     * unpersists). Adds {@link Reasons#DUPLICATE} and {@link Reasons#DUPLICATE_SAMPLE_ID} to {@code counts}.
     */
    static KeptSamples unique(JavaRDD<byte[]> samples, long before, ReasonCounts counts) {
        JavaRDD<byte[]> byText = distinctTexts(samples);
        long afterText = byText.count();
        JavaPairRDD<Long, byte[]> unique = byText.mapToPair(b -> new Tuple2<>(OutcomeCodec.sampleId(b), b))
                .reduceByKey(SameIdRuns::sameIdWinner)
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        long after = unique.count();
        count(counts, before, afterText, after);
        return new KeptSamples(unique, after, unique);
    }
}
