package org.bg2vec.spark;

import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.bg2vec.prepare.HadoopConf;
import org.bg2vec.prepare.OutputDirectory;
import org.bg2vec.prepare.PrepareConfig;
import org.bg2vec.prepare.PrepareManifest;
import org.bg2vec.prepare.Reject;
import org.bg2vec.prepare.Sample;
import org.bg2vec.prepare.ShardWriter;
import org.bg2vec.prepare.StableHash;
import org.bg2vec.prepare.ValidationSplit;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Writes the shards of a prepare run from Spark tasks: the rejects file and the train/validation splits. */
final class ShardWrites {

    private ShardWrites() {
    }

    /** {@code rejects/part-00000.parquet}, sorted by source, page id, reason and detail; returns the count. */
    static long rejects(JavaRDD<Reject> rejects, OutputDirectory out, HadoopConf conf) {
        String dir = out.resolve("rejects").toString();
        List<Long> n = rejects.sortBy(ShardWriter::rejectOrder, true, 1)
                .mapPartitions(it -> {
                    Path file = new Path(dir, ShardWriter.shardName(0));
                    return List.of(ShardWriter.writeRejects(conf.get(), file, attempt(), it)).iterator();
                }).collect();
        return n.stream().mapToLong(Long::longValue).sum();
    }

    /** Both splits (by {@link ValidationSplit}), each in {@code config.shards()} files in the seeded order. */
    static PrepareManifest.Splits splits(JavaRDD<Sample> kept, PrepareConfig config, OutputDirectory out,
                                         HadoopConf conf) {
        double fraction = config.validationFraction();
        JavaRDD<Sample> validation = kept.filter(s -> ValidationSplit.isValidation(s.pageId(), fraction));
        JavaRDD<Sample> train = kept.filter(s -> !ValidationSplit.isValidation(s.pageId(), fraction));
        PrepareManifest.Split t = split(train, "train", config, out, conf);
        PrepareManifest.Split v = split(validation, "validation", config, out, conf);
        return new PrepareManifest.Splits(t, v);
    }

    private static PrepareManifest.Split split(JavaRDD<Sample> samples, String name, PrepareConfig config,
                                               OutputDirectory out, HadoopConf conf) {
        int shards = config.shards();
        long seed = config.seed();
        String dir = out.resolve(name).toString();
        List<Long> written = samples
                .mapToPair(s -> new Tuple2<>(new ShardOrder.Key(StableHash.mix(seed, s.sampleId()), s.sampleId()), s))
                .repartitionAndSortWithinPartitions(new ShardOrder.Partitioner(shards))
                .mapPartitions((Iterator<Tuple2<ShardOrder.Key, Sample>> it) -> {
                    Path file = new Path(dir, ShardWriter.shardName(TaskContext.getPartitionId()));
                    Iterator<Sample> rows = new Iterator<>() {
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        public Sample next() {
                            return it.next()._2();
                        }
                    };
                    return List.of(ShardWriter.writeSamples(conf.get(), file, attempt(), rows)).iterator();
                }).collect();
        List<String> files = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            files.add(name + "/" + ShardWriter.shardName(i));
        }
        return new PrepareManifest.Split(written.stream().mapToLong(Long::longValue).sum(), files);
    }

    /** A name unique to this task attempt, for the temporary file a shard is written to. */
    private static String attempt() {
        TaskContext tc = TaskContext.get();
        return tc == null ? "driver" : tc.stageAttemptNumber() + "-" + tc.attemptNumber() + "-" + tc.taskAttemptId();
    }
}
