package org.bg2vec.spark;

import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.ShuffledRDD;
import org.bg2vec.format.PreparedData;
import org.bg2vec.io.Iterators;
import org.bg2vec.prepare.OutcomeCodec;
import org.bg2vec.prepare.OutputDirectory;
import org.bg2vec.prepare.PrepareConfig;
import org.bg2vec.prepare.PrepareManifest;
import org.bg2vec.prepare.Reject;
import org.bg2vec.prepare.SameIdRuns;
import org.bg2vec.prepare.ShardWriter;
import org.bg2vec.prepare.StableHash;
import org.bg2vec.prepare.ValidationSplit;
import scala.Tuple2;
import scala.math.Ordering$;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/** Writes the shards of a prepare run from Spark tasks: the rejects file and the train/validation splits. */
final class ShardWrites {

    /** The splits' directory names, in partition order. */
    private static final String[] SPLITS = {PreparedData.TRAIN, PreparedData.VALIDATION};

    private ShardWrites() {
    }

    /** {@code rejects/part-00000.parquet}, sorted by source, page id, reason and detail; returns the count. */
    static long rejects(JavaRDD<Reject> rejects, OutputDirectory out, HadoopConf conf) {
        String dir = out.resolve(PreparedData.REJECTS).toString();
        List<Long> n = rejects.sortBy(ShardWriter::rejectOrder, true, 1)
                .mapPartitions(it -> {
                    Path file = new Path(dir, ShardWriter.shardName(0));
                    return List.of(ShardWriter.writeRejects(conf.get(), file, attempt(), it)).iterator();
                }).collect();
        return n.stream().mapToLong(Long::longValue).sum();
    }

    /** The shards written, and how many samples {@link SameIdRuns} dropped while writing them. */
    record Written(PrepareManifest.Splits splits, long sameIdDropped) {
        long samples() {
            return splits.train().samples() + splits.validation().samples();
        }
    }

    /**
     * Both splits (by {@link ValidationSplit}), each in {@code config.shards()} files in the seeded order, from one
     * shuffle: partition {@code s} of the train split is partition {@code s}, of validation {@code shards + s}.
     * Samples with the same id meet in one partition, next to each other: only the one {@link SameIdRuns} keeps
     * is written.
     */
    static Written splits(JavaRDD<byte[]> kept, PrepareConfig config, OutputDirectory out, HadoopConf conf) {
        int shards = config.shards();
        long seed = config.seed();
        double fraction = config.validationFraction();
        String dir = out.temp().toString();
        JavaPairRDD<ShardOrder.Key, byte[]> keyed = kept.mapToPair(b -> {
            long id = OutcomeCodec.sampleId(b);
            int split = ValidationSplit.isValidation(OutcomeCodec.pageId(b), fraction) ? 1 : 0;
            return new Tuple2<>(new ShardOrder.Key(StableHash.mix(seed, id), id, split), b);
        });
        List<long[]> written = sorted(keyed, new ShardOrder.Partitioner(shards, 2))
                .mapPartitions((Iterator<Tuple2<ShardOrder.Key, byte[]>> it) -> {
                    int partition = TaskContext.getPartitionId();
                    Path file = new Path(new Path(dir, SPLITS[partition / shards]),
                            ShardWriter.shardName(partition % shards));
                    SameIdRuns unique = new SameIdRuns(Iterators.map(it, Tuple2::_2));
                    long n = ShardWriter.writeSamples(conf.get(), file, attempt(), unique);
                    return List.of(new long[]{partition, n, unique.dropped()}).iterator();
                }).collect();
        long[] samples = new long[2];
        long dropped = 0;
        for (long[] w : written) {
            samples[(int) w[0] / shards] += w[1];
            dropped += w[2];
        }
        return new Written(new PrepareManifest.Splits(split(SPLITS[0], samples[0], shards),
                split(SPLITS[1], samples[1], shards)), dropped);
    }

    /**
     * {@code repartitionAndSortWithinPartitions}, with the records shuffled by {@link ShardShuffleSerializer}
     * instead of Java serialization.
     */
    private static JavaPairRDD<ShardOrder.Key, byte[]> sorted(JavaPairRDD<ShardOrder.Key, byte[]> keyed,
                                                             ShardOrder.Partitioner partitioner) {
        ClassTag<ShardOrder.Key> keys = ClassTag$.MODULE$.apply(ShardOrder.Key.class);
        ClassTag<byte[]> values = ClassTag$.MODULE$.apply(byte[].class);
        ShuffledRDD<ShardOrder.Key, byte[], byte[]> shuffled = new ShuffledRDD<ShardOrder.Key, byte[], byte[]>(
                keyed.rdd(), partitioner, keys, values, values)
                .setSerializer(new ShardShuffleSerializer())
                .setKeyOrdering(Ordering$.MODULE$.comparatorToOrdering(Comparator.<ShardOrder.Key>naturalOrder()));
        return new JavaPairRDD<>(shuffled, keys, values);
    }

    private static PrepareManifest.Split split(String name, long samples, int shards) {
        List<String> files = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            files.add(name + "/" + ShardWriter.shardName(i));
        }
        return new PrepareManifest.Split(samples, files);
    }

    /** A name unique to this task attempt, for the temporary file a shard is written to. */
    private static String attempt() {
        TaskContext tc = TaskContext.get();
        return tc == null ? "driver" : tc.stageAttemptNumber() + "-" + tc.attemptNumber() + "-" + tc.taskAttemptId();
    }
}
