package org.bg2vec.spark;

import org.bg2vec.djl.DeviceRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.SparkSession;
import org.bg2vec.train.SimCseTrainer;
import org.bg2vec.train.ToyTraining;
import org.bg2vec.train.TrainConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The barrier training stage in local mode with the toy model of the trainer tests. */
class TrainJobTest {

    static final TrainJob.Options OPTIONS = new TrainJob.Options(DeviceRequest.CPU, Duration.ofSeconds(20),
            Duration.ofSeconds(30), Duration.ofSeconds(60), null);
    static final AtomicInteger CALLS = new AtomicInteger();

    static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkSessions.getOrCreate("local[2]", "train-job-test",
                Map.of("spark.ui.enabled", "false", "spark.barrier.sync.timeout", "60s"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static SimCseTrainer.Result countingToy(TrainConfig c, org.bg2vec.collective.Collective coll,
                                                    SimCseTrainer.StepListener l,
                                                    org.bg2vec.train.WorkerEnvironment h) throws Exception {
        CALLS.incrementAndGet();
        return ToyTraining.train(c, coll, l, h);
    }

    @Test
    void twoWorkersTrainTheSameAdapterAsOne() throws Exception {
        Path data = ToyTraining.data(tmp.resolve("data"));
        TrainJob.Result one = TrainJob.run(spark, ToyTraining.config(tmp.resolve("w1"), data, ", \"max_steps\": 6"),
                OPTIONS, ToyTraining::train);
        TrainJob.Result two = TrainJob.run(spark, ToyTraining.config(tmp.resolve("w2"), data,
                ", \"max_steps\": 6, \"workers\": 2"), OPTIONS, ToyTraining::train);
        assertEquals(1, one.attempts());
        assertEquals(1, two.attempts());
        assertEquals(tmp.resolve("w2/adapter").toString(), two.adapterDir());
        float[] a1 = ToyTraining.adapter(tmp.resolve("w1/adapter"));
        float[] a2 = ToyTraining.adapter(tmp.resolve("w2/adapter"));
        float[] init = ToyTraining.adapter(initialAdapter(data));
        assertTrue(ToyTraining.relativeDifference(init, a1) > 1e-3, "training moved the parameters");
        double rel = ToyTraining.relativeDifference(a2, a1);
        assertTrue(rel < 1e-5, "W=2 vs W=1 adapters differ by " + rel + " (relative)");

        assertEquals(List.of(0, 1), two.workers().stream().map(WorkerSummary::rank).toList());
        List<String> lines = Files.readAllLines(tmp.resolve("w2/" + WorkerMetrics.FILE));
        assertEquals(2, lines.size());
        ObjectMapper json = new ObjectMapper();
        for (int r = 0; r < 2; r++) {
            JsonNode n = json.readTree(lines.get(r));
            assertEquals(r, n.path("rank").asInt());
            assertEquals(6, n.path("steps").asLong());
            assertEquals(6, n.path("step_times_s").size());
            assertTrue(n.path("collective_time_s").asDouble() > 0, "a W=2 run spends time in collectives");
        }
        assertTrue(Files.size(tmp.resolve("w2/loss.png")) > 1000);
        assertTrue(Files.readAllLines(tmp.resolve("w2/metrics.jsonl")).size() >= 6);
    }

    /** The adapter of the untrained toy model (0 steps are not allowed, so train at learning rate 0). */
    private Path initialAdapter(Path data) throws Exception {
        Path out = tmp.resolve("init");
        TrainJob.run(spark, ToyTraining.config(out, data, ", \"max_steps\": 1, \"learning_rate\": 0"), OPTIONS,
                ToyTraining::train);
        return out.resolve("adapter");
    }

    @Test
    void aFaultedAttemptIsRetriedAndResumesToTheUninterruptedAdapter() throws Exception {
        Path data = ToyTraining.data(tmp.resolve("data"));
        TrainJob.run(spark, ToyTraining.config(tmp.resolve("straight"), data, ", \"workers\": 2"), OPTIONS,
                ToyTraining::train);
        // 10 steps, checkpoints at 5 and 10: rank 1 fails after step 7 of attempt 1
        TrainJob.Result r = TrainJob.run(spark, ToyTraining.config(tmp.resolve("faulted"), data,
                        ", \"workers\": 2, \"max_attempts\": 2"), OPTIONS.withFault(new FaultInjection(1, 7, 1)),
                ToyTraining::train);
        assertEquals(2, r.attempts());
        assertEquals(1, r.failures().size());
        assertTrue(r.failures().get(0).contains("injected fault") || r.failures().get(0).contains("rank 1"),
                r.failures().get(0));
        for (WorkerSummary w : r.workers()) {
            assertEquals(2, w.attempt());
            assertEquals(10, w.steps());
            assertEquals(5, w.stepsRun(), "attempt 2 runs steps 6..10");
            assertTrue(w.resumedFrom().endsWith("step-5"), w.resumedFrom());
        }
        assertArrayEquals(ToyTraining.adapter(tmp.resolve("straight/adapter")),
                ToyTraining.adapter(tmp.resolve("faulted/adapter")), 0f,
                "the retried run ends with the uninterrupted run's adapter");
    }

    @Test
    void attemptsAreBoundedAndEachCauseIsReported() throws Exception {
        Path data = ToyTraining.data(tmp.resolve("data"));
        TrainConfig c = ToyTraining.config(tmp.resolve("out"), data, ", \"workers\": 2, \"max_attempts\": 1");
        TrainingFailedException e = assertThrows(TrainingFailedException.class, () -> TrainJob.run(spark, c,
                OPTIONS.withFault(new FaultInjection(0, 2, 1)), ToyTraining::train));
        assertEquals(1, e.causes().size());
        assertTrue(e.getMessage().contains("after 1 attempt(s)"), e.getMessage());
        assertTrue(e.causes().get(0).contains("injected fault (test only): rank 0 after step 2"), e.causes().get(0));
    }

    @Test
    void aWorkerThatStopsRespondingMakesTheOthersFailWithItsName() throws Exception {
        Path data = ToyTraining.data(tmp.resolve("data"));
        TrainConfig c = ToyTraining.config(tmp.resolve("out"), data, ", \"workers\": 2, \"max_attempts\": 1");
        TrainJob.Options shortTimeout = new TrainJob.Options(DeviceRequest.CPU, Duration.ofSeconds(20),
                Duration.ofMillis(1500), Duration.ofSeconds(60), null);
        TrainingFailedException e = assertThrows(TrainingFailedException.class, () -> TrainJob.run(spark, c,
                shortTimeout, TrainJobTest::rankOneHangs));
        String cause = e.causes().get(0);
        assertTrue(cause.contains("timed out after 1500 ms") && cause.contains("rank 1"), cause);
    }

    /** Rank 1 stops responding (for 6 s, then gives up); rank 0 waits for it in a collective. */
    private static SimCseTrainer.Result rankOneHangs(TrainConfig c, org.bg2vec.collective.Collective coll,
                                                    SimCseTrainer.StepListener l,
                                                    org.bg2vec.train.WorkerEnvironment h) throws Exception {
        if (coll.rank() == 1) {
            Thread.sleep(6000);
            throw new IllegalStateException("rank 1 woke up");
        }
        coll.barrier();
        return null;
    }

    @Test
    void preflightProblemsFailBeforeAnyTask() throws Exception {
        Path data = ToyTraining.data(tmp.resolve("data"));
        CALLS.set(0);
        TrainConfig c = ToyTraining.config(tmp.resolve("out"), data, ", \"workers\": 2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run("local[1]",
                Map.of("spark.ui.enabled", "false"), c, OPTIONS, TrainJobTest::countingToy));
        assertTrue(e.getMessage().contains("local[1] has 1 task slot(s) but 2 barrier worker(s)"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> TrainJob.preflight("local[2]",
                Map.of("spark.dynamicAllocation.enabled", "true"), c, OPTIONS));
        assertTrue(e.getMessage().contains("spark.dynamicAllocation.enabled=true"), e.getMessage());

        TrainConfig noData = ToyTraining.config(tmp.resolve("out"), tmp.resolve("missing"), "");
        e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(spark, noData, OPTIONS,
                TrainJobTest::countingToy));
        assertTrue(e.getMessage().contains("is not readable: no manifest.json in " + tmp.resolve("missing")),
                e.getMessage());
        assertEquals(0, CALLS.get(), "no worker ran");
    }
}
