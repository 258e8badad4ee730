package org.bg2vec.spark;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;

/**
 * Samples that passed a filter stage (encoded by {@link org.bg2vec.prepare.OutcomeCodec}), keyed by sample id, with
 * their count; {@link #close()} releases the cache of the RDD that was persisted for them (none when
 * {@code cached} is null).
 */
record KeptSamples(JavaPairRDD<Long, byte[]> byId, long count, JavaPairRDD<Long, byte[]> cached)
        implements AutoCloseable {

    JavaRDD<byte[]> samples() {
        return byId.values();
    }

    @Override
    public void close() {
        if (cached != null) {
            cached.unpersist(false);
        }
    }
}
