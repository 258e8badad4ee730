package org.bg2vec.spark;

import org.bg2vec.djl.DeviceRequest;
import org.apache.spark.sql.SparkSession;
import org.bg2vec.mntp.CollatorType;
import org.bg2vec.mntp.LmHead;
import org.bg2vec.mntp.MaskTokenType;
import org.bg2vec.mntp.MntpSettings;
import org.bg2vec.mntp.MntpWorker;
import org.bg2vec.train.RealTraining;
import org.bg2vec.train.TinyModelTraining;
import org.bg2vec.train.ToyTraining;
import org.bg2vec.train.TrainingWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The barrier training stage with the production workers ({@link TrainingWorker}, and {@link MntpWorker} for
 * MNTP) on a tiny random Mistral.
 */
class TrainJobRealModelTest extends TinyModelTraining {

    static final TrainJob.Options OPTIONS = new TrainJob.Options(DeviceRequest.CPU, Duration.ofSeconds(20),
            Duration.ofSeconds(60), Duration.ofSeconds(60));

    static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkSessions.getOrCreate("local[2]", "train-job-real-test",
                Map.of("spark.ui.enabled", "false", "spark.barrier.sync.timeout", "60s"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void twoWorkersTrainTheSameAdapterAsOne() throws Exception {
        TrainJob.run(spark, RealTraining.config(model, data, tmp.resolve("w1"), ""), OPTIONS, TrainingWorker::run);
        TrainJob.Result two = TrainJob.run(spark, RealTraining.config(model, data, tmp.resolve("w2"),
                ", \"workers\": 2"), OPTIONS, TrainingWorker::run);
        assertEquals(2, two.workers().size());
        float[] a1 = RealTraining.adapter(tmp.resolve("w1/adapter"));
        float[] a2 = RealTraining.adapter(tmp.resolve("w2/adapter"));
        TrainJob.run(spark, RealTraining.config(model, data, tmp.resolve("init"), ", \"max_steps\": 1,"
                + " \"learning_rate\": 0"), OPTIONS, TrainingWorker::run);
        float[] init = RealTraining.adapter(tmp.resolve("init/adapter"));
        assertTrue(ToyTraining.relativeDifference(init, a1) > 1e-3, "training moved the adapter");
        double rel = ToyTraining.relativeDifference(a2, a1);
        assertTrue(rel < 1e-5, "W=2 vs W=1 adapters differ by " + rel + " (relative)");
    }

    @Test
    void aFaultedAttemptResumesToTheUninterruptedAdapter() throws Exception {
        TrainJob.run(spark, RealTraining.config(model, data, tmp.resolve("straight"), ", \"workers\": 2"), OPTIONS,
                TrainingWorker::run);
        // 6 steps, checkpoints at 3 and 6: rank 0 fails after step 4 of attempt 1
        TrainJob.Result r = TrainJob.run(spark, RealTraining.config(model, data, tmp.resolve("faulted"),
                        ", \"workers\": 2, \"max_attempts\": 2"), OPTIONS,
                FaultyWorker.transientFault(TrainingWorker::run, 0, 4, 1));
        assertEquals(2, r.attempts());
        assertTrue(r.workers().get(0).resumedFrom().endsWith("step-3"), r.workers().get(0).resumedFrom());
        assertArrayEquals(RealTraining.adapter(tmp.resolve("straight/adapter")),
                RealTraining.adapter(tmp.resolve("faulted/adapter")), 0f,
                "the retried run ends with the uninterrupted run's adapter");
    }

    static WorkerFunction mntp(double mlmProbability) {
        MntpSettings settings = new MntpSettings(CollatorType.ALL_MASK, mlmProbability, MaskTokenType.BLANK, true, true,
                true);
        return (c, collective, listener, env) -> MntpWorker.run(c, settings, collective, listener, env);
    }

    @Test
    void mntpWithTwoWorkersTrainsTheAdapterAndHeadOfOne() throws Exception {
        WorkerFunction mntp = mntp(0.4);
        TrainJob.run(spark, RealTraining.config(model, data, tmp.resolve("mntp-w1"), ""), OPTIONS, mntp);
        TrainJob.Result two = TrainJob.run(spark, RealTraining.config(model, data, tmp.resolve("mntp-w2"),
                ", \"workers\": 2"), OPTIONS, mntp);
        assertEquals(2, two.workers().size());
        TrainJob.run(spark, RealTraining.config(model, data, tmp.resolve("mntp-init"), ", \"max_steps\": 1,"
                + " \"learning_rate\": 0"), OPTIONS, mntp);
        float[] a1 = RealTraining.adapter(tmp.resolve("mntp-w1/adapter"));
        assertTrue(ToyTraining.relativeDifference(RealTraining.adapter(tmp.resolve("mntp-init/adapter")), a1) > 1e-3,
                "training moved the adapter");
        assertArrayEquals(a1, RealTraining.adapter(tmp.resolve("mntp-w2/adapter")), "W=2 trains the W=1 adapter");
        Path head = Path.of("adapter", LmHead.FILE);
        assertTrue(Files.size(tmp.resolve("mntp-w1").resolve(head)) > 0, "the trained head is saved beside the adapter");
        assertEquals(-1, Files.mismatch(tmp.resolve("mntp-w1").resolve(head), tmp.resolve("mntp-w2").resolve(head)),
                "W=2 trains the W=1 head");
    }

    @Test
    void anMntpCheckpointOfOtherMaskingSettingsBelongsToAnotherRun() throws Exception {
        TrainJob.run(spark, RealTraining.config(model, data, tmp.resolve("mntp-m"), ""), OPTIONS, mntp(0.4));
        TrainingFailedException e = assertThrows(TrainingFailedException.class, () -> TrainJob.run(spark,
                RealTraining.config(model, data, tmp.resolve("mntp-m"), ""), OPTIONS, mntp(0.5)));
        assertTrue(e.permanent(), e.getMessage());
        assertTrue(e.getMessage().contains("mlm_probability 0.4 -> 0.5"), e.getMessage());
    }
}
