package org.bg2vec.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StragglersTest {

    /** Tasks run in this JVM (local master): a latch the test opens lets a task of another job finish. */
    private static final CountDownLatch OTHER_JOB_MAY_END = new CountDownLatch(1);
    private static final CountDownLatch OTHER_JOB_RUNS = new CountDownLatch(1);
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSessions.getOrCreate("local[3]", "stragglers-test", Map.of("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void waitsForTheFailedJobsLastTaskButNotForAnotherJobOfTheContext(@TempDir Path dir) throws Exception {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CompletableFuture<Long> other = CompletableFuture.supplyAsync(() -> jsc.parallelize(List.of(1), 1)
                .map(x -> {
                    OTHER_JOB_RUNS.countDown();
                    return OTHER_JOB_MAY_END.await(120, TimeUnit.SECONDS) ? x : -1;
                }).count());
        assertTrue(OTHER_JOB_RUNS.await(60, TimeUnit.SECONDS), "the other job's task did not start");

        Path marker = dir.resolve("straggler-finished");
        String markerPath = marker.toString();
        try (Stragglers tracked = Stragglers.track(spark.sparkContext(), "test")) {
            assertThrows(Exception.class, () -> jsc.parallelize(List.of(0, 1), 2).foreach(i -> {
                if (i == 0) {
                    throw new IllegalStateException("task 0 fails at once");
                }
                Thread.sleep(1500); // not interrupted: the job group does not interrupt on cancel
                Files.writeString(Path.of(markerPath), "done");
            }));
            tracked.awaitStopped(Duration.ofSeconds(60));
            assertTrue(Files.exists(marker), "returned while the failed job's second task was still running");
            assertEquals(0, tracked.running(), "the other job's running task was counted as the failed job's");
        }
        assertNull(spark.sparkContext().getLocalProperty("spark.jobGroup.id"), "the thread's job group was not restored");
        OTHER_JOB_MAY_END.countDown();
        assertEquals(1L, other.get(60, TimeUnit.SECONDS));
    }
}
