package org.bg2vec.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.bg2vec.djl.DeviceRequest;
import org.bg2vec.prepare.PrepareConfig;
import org.bg2vec.prepare.PrepareManifest;
import org.bg2vec.train.RealTraining;
import org.bg2vec.train.TrainConfig;
import org.bg2vec.train.TrainingWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * prepare → train on a real HDFS (a MiniDFSCluster on loopback in this JVM, the Hadoop version of Spark's
 * client): the prepared data, the checkpoints and the adapter live on {@code hdfs://}; a run whose first attempt
 * dies after a checkpoint resumes from HDFS and ends with the adapter of an uninterrupted run.
 */
class HdfsTrainingIT {

    static final TrainJob.Options OPTIONS = new TrainJob.Options(DeviceRequest.CPU, Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(60));

    @TempDir
    static java.nio.file.Path tmp;
    static MiniDFSCluster cluster;
    static SparkSession spark;
    static FileSystem hdfs;
    static String root;

    @BeforeAll
    static void start() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("dfs").toString());
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        conf.setInt("dfs.replication", 1);
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = cluster.getFileSystem();
        root = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
        spark = SparkSessions.getOrCreate("local[2]", "hdfs-training-it", Map.of("spark.ui.enabled", "false",
                "spark.barrier.sync.timeout", "60s", "spark.sql.shuffle.partitions", "2",
                "spark.hadoop.dfs.replication", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (spark != null) {
            spark.stop();
        }
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    @Test
    void preparedDataCheckpointsAndAdapterLiveOnHdfsAndAKilledAttemptResumesFromThere() throws Exception {
        java.nio.file.Path model = RealTraining.tinyModel(tmp.resolve("model"));
        String data = root + "/bg2vec/prepared";
        PrepareManifest m = PrepareJob.run(spark, PrepareConfig.builder()
                .inputs(List.of("data-prep/sample/bgwiki-sample-pages-articles-multistream.xml.bz2"))
                .indexes(List.of("data-prep/sample/bgwiki-sample-pages-articles-multistream-index.txt.bz2"))
                .tokenizer(model.resolve("tokenizer.json").toString()).output(data).shards(2).maxSeqLength(64)
                .build());
        assertTrue(m.splits().train().samples() >= 24, "enough samples for 3 global batches of 8");
        assertTrue(hdfs.exists(new Path(data + "/manifest.json")));

        TrainJob.run(spark, config(model, data, "straight"), OPTIONS, TrainingWorker::run);

        String faulted = root + "/bg2vec/faulted";
        Path leftover = new Path(faulted + "/checkpoints/.step-6.tmp-" + UUID.randomUUID());
        hdfs.mkdirs(leftover);
        // rank 0 dies after step 4 of attempt 1, when step-3 is on HDFS
        TrainJob.Result r = TrainJob.run(spark, config(model, data, "faulted").with("max_attempts", 2), OPTIONS,
                FaultyWorker.transientFault(TrainingWorker::run, 0, 4, 1));
        assertEquals(2, r.attempts());
        for (WorkerSummary w : r.workers()) {
            assertEquals(faulted + "/checkpoints/step-3", w.resumedFrom());
            assertEquals(3, w.stepsRun(), "attempt 2 runs steps 4..6");
        }
        assertFalse(hdfs.exists(leftover), "the copy a killed writer left is removed");
        assertTrue(hdfs.exists(new Path(faulted + "/checkpoints/step-6/complete.json")));
        assertArrayEquals(adapter(root + "/bg2vec/straight/adapter"), adapter(faulted + "/adapter"), 0f,
                "the resumed run ends with the uninterrupted run's adapter");
    }

    /** 6 steps of global batch 8 on two workers, checkpoints every 3, everything on HDFS. */
    private static TrainConfig config(java.nio.file.Path model, String data, String name) {
        return RealTraining.config(model, tmp.resolve("unused"), tmp.resolve("unused"), ", \"workers\": 2,"
                        + " \"max_seq_length\": 64")
                .with("train_data", data).with("output_dir", root + "/bg2vec/" + name);
    }

    /** The adapter copied from HDFS. */
    private static float[] adapter(String dir) throws Exception {
        java.nio.file.Path local = Files.createTempDirectory(tmp, "adapter");
        hdfs.copyToLocalFile(false, new Path(dir), new Path(local.toUri()), true);
        return RealTraining.adapter(local.resolve("adapter"));
    }
}
