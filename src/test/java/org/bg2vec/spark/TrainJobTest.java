package org.bg2vec.spark;

import org.bg2vec.djl.DeviceRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.SparkSession;
import org.bg2vec.plan.Objective;
import org.bg2vec.train.PermanentFailureException;
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
            Duration.ofSeconds(30), Duration.ofSeconds(60));
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
                        ", \"workers\": 2, \"max_attempts\": 2"), OPTIONS,
                FaultyWorker.transientFault(ToyTraining::train, 1, 7, 1));
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
                OPTIONS, FaultyWorker.transientFault(ToyTraining::train, 0, 2, 1)));
        assertEquals(1, e.causes().size());
        assertTrue(e.getMessage().contains("after 1 attempt(s)"), e.getMessage());
        assertTrue(e.causes().get(0).contains("injected fault (test only): rank 0 after step 2"), e.causes().get(0));
    }

    @Test
    void aWorkerThatStopsRespondingMakesTheOthersFailWithItsName() throws Exception {
        Path data = ToyTraining.data(tmp.resolve("data"));
        TrainConfig c = ToyTraining.config(tmp.resolve("out"), data, ", \"workers\": 2, \"max_attempts\": 1");
        TrainJob.Options shortTimeout = new TrainJob.Options(DeviceRequest.CPU, Duration.ofSeconds(20),
                Duration.ofMillis(1500), Duration.ofSeconds(60));
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
                Map.of("spark.dynamicAllocation.enabled", "true"), c, Objective.SIMCSE, OPTIONS));
        assertTrue(e.getMessage().contains("spark.dynamicAllocation.enabled=true"), e.getMessage());

        TrainConfig noData = ToyTraining.config(tmp.resolve("out"), tmp.resolve("missing"), "");
        e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(spark, noData, OPTIONS,
                TrainJobTest::countingToy));
        assertTrue(e.getMessage().contains("is not readable: no manifest.json in " + tmp.resolve("missing")),
                e.getMessage());
        assertEquals(0, CALLS.get(), "no worker ran");
    }

    @Test
    void aPermanentFailureStopsAtOnce() throws Exception {
        Path data = ToyTraining.data(tmp.resolve("data"));
        TrainConfig c = ToyTraining.config(tmp.resolve("out"), data, ", \"workers\": 2, \"max_attempts\": 3");
        // rank 1 finds a deterministic problem; rank 0 then fails on the aborted collective (a transient-looking
        // error): the driver must still see the type of rank 1's exception
        FaultyWorker permanent = FaultyWorker.fault(ToyTraining::train, 1, 2, 1,
                m -> new PermanentFailureException(PermanentFailureException.Kind.DATA_CHANGED, m));
        TrainingFailedException e = assertThrows(TrainingFailedException.class,
                () -> TrainJob.run(spark, c, OPTIONS, permanent));
        assertTrue(e.permanent());
        assertEquals(1, e.causes().size(), "not retried: " + e.causes());
        assertTrue(e.causes().get(0).contains("[DATA_CHANGED]: injected fault (test only): rank 1 after step 2"),
                e.causes().get(0));
    }

    @Test
    void aTransientFailureIsRetriedWhateverItsTextSays() throws Exception {
        Path data = ToyTraining.data(tmp.resolve("data"));
        TrainConfig c = ToyTraining.config(tmp.resolve("out"), data, ", \"workers\": 2, \"max_attempts\": 2");
        FaultyWorker io = FaultyWorker.fault(ToyTraining::train, 0, 3, 1, m -> new IllegalStateException(
                "disk hiccup: java.io.IOException wrapping java.lang.IllegalArgumentException (" + m + ")"));
        TrainJob.Result r = TrainJob.run(spark, c, OPTIONS, io);
        assertEquals(2, r.attempts(), "a message that mentions an IllegalArgumentException is not one");
        assertEquals(10, r.workers().get(0).steps());
    }

    @Test
    void anExplicitResumePathAppliesToTheFirstAttemptOnly() throws Exception {
        Path data = ToyTraining.data(tmp.resolve("data"));
        TrainJob.run(spark, ToyTraining.config(tmp.resolve("straight"), data, ", \"save_steps\": 2,"
                + " \"keep_checkpoints\": 5"), OPTIONS, ToyTraining::train);
        Path given = tmp.resolve("straight/checkpoints/step-4");
        // continue from step 4 of that run into another checkpoint_dir; rank 1 fails after step 7 on attempt 1,
        // when this run has written step-6
        TrainConfig c = ToyTraining.config(tmp.resolve("continued"), data, ", \"save_steps\": 2, \"workers\": 2,"
                + " \"max_attempts\": 2, \"resume\": \"" + given + "\"");
        TrainJob.Result r = TrainJob.run(spark, c, OPTIONS, FaultyWorker.transientFault(ToyTraining::train, 1, 7, 1));
        assertEquals(2, r.attempts());
        for (WorkerSummary w : r.workers()) {
            assertEquals(tmp.resolve("continued/checkpoints/step-6").toString(), w.resumedFrom(),
                    "the retry continues from the run's own latest checkpoint, not the explicit one");
            assertEquals(4, w.stepsRun(), "attempt 2 runs steps 7..10");
        }
        assertArrayEquals(ToyTraining.adapter(tmp.resolve("straight/adapter")),
                ToyTraining.adapter(tmp.resolve("continued/adapter")), 0f);
    }

    @Test
    void aRetryOfAFreshRunInADirectoryWithOlderCheckpointsResumesFromItsOwn() throws Exception {
        Path data = ToyTraining.data(tmp.resolve("data"));
        TrainJob.run(spark, ToyTraining.config(tmp.resolve("straight"), data, ""), OPTIONS, ToyTraining::train);
        Path out = tmp.resolve("out");
        TrainJob.run(spark, ToyTraining.config(out, data, ", \"seed\": 7"), OPTIONS, ToyTraining::train);
        // the same directory, "resume": "never": attempt 1 writes step-5 (over the old run's), fails after step 7
        TrainJob.Result r = TrainJob.run(spark, ToyTraining.config(out, data, ", \"workers\": 2, \"max_attempts\": 2,"
                + " \"resume\": \"never\""), OPTIONS, FaultyWorker.transientFault(ToyTraining::train, 0, 7, 1));
        assertEquals(2, r.attempts());
        assertEquals(out.resolve("checkpoints/step-5").toString(), r.workers().get(0).resumedFrom());
        assertEquals(5, r.workers().get(0).stepsRun());
        assertArrayEquals(ToyTraining.adapter(tmp.resolve("straight/adapter")), ToyTraining.adapter(out.resolve("adapter")),
                0f);
    }

    @Test
    void resumingAnotherRunsCheckpointIsAConfigurationErrorThatIsNotRetried() throws Exception {
        Path data = ToyTraining.data(tmp.resolve("data"));
        Path out = tmp.resolve("out");
        TrainJob.run(spark, ToyTraining.config(out, data, ", \"seed\": 7, \"stop_after_n_steps\": 5"), OPTIONS,
                ToyTraining::train);
        CALLS.set(0);
        TrainingFailedException e = assertThrows(TrainingFailedException.class, () -> TrainJob.run(spark,
                ToyTraining.config(out, data, ", \"workers\": 2, \"max_attempts\": 3"), OPTIONS,
                TrainJobTest::countingToy));
        assertTrue(e.permanent());
        assertEquals(2, CALLS.get(), "one attempt of 2 workers");
        assertTrue(e.causes().get(0).contains("seed 7 -> 42"), e.causes().get(0));
    }
}
