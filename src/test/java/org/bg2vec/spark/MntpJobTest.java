package org.bg2vec.spark;

import org.apache.spark.sql.SparkSession;
import org.bg2vec.mntp.CollatorType;
import org.bg2vec.mntp.LmHead;
import org.bg2vec.mntp.MaskTokenType;
import org.bg2vec.mntp.MntpSettings;
import org.bg2vec.mntp.MntpWorker;
import org.bg2vec.train.RealTraining;
import org.bg2vec.train.ToyTraining;
import org.bg2vec.train.TrainConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MNTP barrier stage with the production worker ({@link MntpWorker}) on a tiny random Mistral. */
class MntpJobTest {

    static final MntpSettings SETTINGS = new MntpSettings(CollatorType.ALL_MASK, 0.4, MaskTokenType.BLANK, true, true,
            true);

    static SparkSession spark;
    @TempDir
    static Path shared;
    static Path model;
    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkSessions.getOrCreate("local[2]", "mntp-job-test",
                Map.of("spark.ui.enabled", "false", "spark.barrier.sync.timeout", "60s"));
        model = RealTraining.tinyModel(shared.resolve("model"));
        data = RealTraining.data(shared.resolve("data"), model, 48);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static WorkerFunction worker(MntpSettings settings) {
        return (c, collective, listener, environment) -> MntpWorker.run(c, settings, collective, listener, environment);
    }

    static TrainJob.Result run(Path out, String extra) throws Exception {
        TrainConfig c = RealTraining.config(model, data, out, extra);
        return TrainJob.run(spark, c, TrainJobRealModelTest.OPTIONS, worker(SETTINGS));
    }

    @Test
    void twoWorkersTrainTheSameAdapterAndHeadAsOne() throws Exception {
        run(tmp.resolve("w1"), "");
        TrainJob.Result two = run(tmp.resolve("w2"), ", \"workers\": 2");
        assertEquals(2, two.workers().size());
        run(tmp.resolve("init"), ", \"max_steps\": 1, \"learning_rate\": 0");
        float[] init = RealTraining.adapter(tmp.resolve("init/adapter"));
        float[] a1 = RealTraining.adapter(tmp.resolve("w1/adapter"));
        float[] a2 = RealTraining.adapter(tmp.resolve("w2/adapter"));
        assertTrue(ToyTraining.relativeDifference(init, a1) > 1e-3, "training moved the adapter");
        assertArrayEquals(a1, a2, "W=2 trains the W=1 adapter");
        assertTrue(Files.size(tmp.resolve("w1/adapter").resolve(LmHead.FILE)) > 0, "the trained head is saved");
        assertEquals(-1, Files.mismatch(tmp.resolve("w1/adapter").resolve(LmHead.FILE),
                tmp.resolve("w2/adapter").resolve(LmHead.FILE)), "W=2 trains the W=1 head");
    }
}
