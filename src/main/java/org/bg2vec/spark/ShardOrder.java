package org.bg2vec.spark;

import org.bg2vec.prepare.StableHash;

import java.io.Serializable;

/**
 * The seeded global order of samples: each sample gets a key {@code mix(seed, sample_id)}; shard {@code i} of
 * {@code n} holds the keys whose unit value falls in {@code [i/n, (i+1)/n)}, sorted by key. Reading the shards
 * in name order therefore gives one seeded shuffle of all samples, whatever the partitioning of the job. Several
 * splits (train, validation) share one shuffle: split {@code k}'s shard {@code i} is partition {@code k * n + i}.
 */
final class ShardOrder {

    private ShardOrder() {
    }

    /** Sort key: the order hash (compared unsigned), then the sample id; {@code split} picks the partitions. */
    record Key(long order, long sampleId, int split) implements Comparable<Key>, Serializable {
        @Override
        public int compareTo(Key o) {
            int c = Long.compareUnsigned(order, o.order);
            return c != 0 ? c : Long.compare(sampleId, o.sampleId);
        }
    }

    /** Sends a key to its split's shard. */
    static final class Partitioner extends org.apache.spark.Partitioner {
        private static final long serialVersionUID = 1L;
        private final int shards;
        private final int splits;

        Partitioner(int shards, int splits) {
            this.shards = shards;
            this.splits = splits;
        }

        @Override
        public int numPartitions() {
            return shards * splits;
        }

        @Override
        public int getPartition(Object key) {
            Key k = (Key) key;
            return k.split() * shards + shardOf(k.order(), shards);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Partitioner p && p.shards == shards && p.splits == splits;
        }

        @Override
        public int hashCode() {
            return 31 * shards + splits;
        }
    }

    /** Shard of an order hash: monotone in the unsigned hash. */
    static int shardOf(long order, int shards) {
        return (int) Math.min(shards - 1, (long) (StableHash.unit(order) * shards));
    }
}
