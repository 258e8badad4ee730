package org.bg2vec.spark;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.bg2vec.prepare.Sample;

/**
 * Samples that passed a filter stage, keyed by sample id, with their count; {@link #close()} releases the cache
 * of the RDD that was persisted for them (none when {@code cached} is null).
 */
record KeptSamples(JavaPairRDD<Long, Sample> byId, long count, JavaPairRDD<Long, Sample> cached)
        implements AutoCloseable {

    JavaRDD<Sample> samples() {
        return byId.values();
    }

    @Override
    public void close() {
        if (cached != null) {
            cached.unpersist(false);
        }
    }
}
