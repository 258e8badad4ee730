package org.bg2vec.spark;

import org.bg2vec.prepare.StableHash;

import java.io.Serializable;

/**
 * The seeded global order of samples: each sample gets a key {@code mix(seed, sample_id)}; shard {@code i} of
 * {@code n} holds the keys whose unit value falls in {@code [i/n, (i+1)/n)}, sorted by key. Reading the shards
 * in name order therefore gives one seeded shuffle of all samples, whatever the partitioning of the job.
 */
final class ShardOrder {

    private ShardOrder() {
    }

    /** Sort key: the order hash (compared unsigned), then the sample id. */
    record Key(long order, long sampleId) implements Comparable<Key>, Serializable {
        @Override
        public int compareTo(Key o) {
            int c = Long.compareUnsigned(order, o.order);
            return c != 0 ? c : Long.compare(sampleId, o.sampleId);
        }
    }

    /** Sends a key to its shard. */
    static final class Partitioner extends org.apache.spark.Partitioner {
        private static final long serialVersionUID = 1L;
        private final int shards;

        Partitioner(int shards) {
            this.shards = shards;
        }

        @Override
        public int numPartitions() {
            return shards;
        }

        @Override
        public int getPartition(Object key) {
            return shardOf(((Key) key).order(), shards);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Partitioner p && p.shards == shards;
        }

        @Override
        public int hashCode() {
            return shards;
        }
    }

    /** Shard of an order hash: monotone in the unsigned hash. */
    static int shardOf(long order, int shards) {
        return (int) Math.min(shards - 1, (long) (StableHash.unit(order) * shards));
    }
}
