package org.bg2vec.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimCseTrainerTest {

    @TempDir
    Path tmp;

    @Test
    void lossDecreasesAndOutputsAreWritten() throws Exception {
        Path data = TrainerFixtures.data(tmp.resolve("data"));
        Path out = tmp.resolve("out");
        TrainConfig c = TrainerFixtures.config(out, data, ", \"max_steps\": 40, \"save_steps\": 10,"
                + " \"keep_checkpoints\": 2, \"eval_steps\": 20, \"eval_batches\": 2");
        List<Double> losses = new ArrayList<>();
        TrainerFixtures.train(c, 1, 0.1f, (r, m) -> losses.add(m.loss()));
        assertEquals(40, losses.size());
        double first = losses.subList(0, 8).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(32, 40).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(last < 0.7 * first, "loss should fall: first 8 steps " + first + ", last 8 " + last);

        assertTrue(Files.isRegularFile(out.resolve("adapter/toy-adapter.bin")));
        assertTrue(Files.size(out.resolve("loss.png")) > 1000);
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        ObjectMapper json = new ObjectMapper();
        long train = 0;
        long eval = 0;
        for (String l : lines) {
            JsonNode n = json.readTree(l);
            if (n.path("type").asText().equals("train")) {
                train++;
                assertTrue(n.path("tokens_per_s").asDouble() > 0);
                assertEquals(1, n.path("rank_collective_time_s").size());
            } else {
                eval++;
                assertTrue(Double.isFinite(n.path("loss").asDouble()));
            }
        }
        assertEquals(40, train);
        assertEquals(2, eval);
        try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
            assertEquals(List.of("step-30", "step-40"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the last 2 checkpoints are kept and no temporary directory remains");
        }
    }

    @Test
    void fiveStepsResumedFiveStepsEqualTenStraight() throws Exception {
        Path data = TrainerFixtures.data(tmp.resolve("data"));
        float[] straight = TrainerFixtures.trainOne(TrainerFixtures.config(tmp.resolve("a"), data, ""), 0.1f);

        Path out = tmp.resolve("b");
        TrainConfig first = TrainerFixtures.config(out, data, ", \"stop_after_n_steps\": 5");
        float[] half = TrainerFixtures.trainOne(first, 0.1f);
        assertFalse(java.util.Arrays.equals(half, straight));
        List<Long> resumedSteps = new ArrayList<>();
        float[] resumed = TrainerFixtures.train(TrainerFixtures.config(out, data, ""), 1, 0.1f,
                (r, m) -> resumedSteps.add(m.step())).get(0);
        assertEquals(List.of(6L, 7L, 8L, 9L, 10L), resumedSteps, "the second run continues at step 6");
        assertArrayEquals(straight, resumed, 0f, "resume must continue exactly");
    }

    @Test
    void resumeNeverStartsAgain() throws Exception {
        Path data = TrainerFixtures.data(tmp.resolve("data"));
        Path out = tmp.resolve("c");
        TrainerFixtures.trainOne(TrainerFixtures.config(out, data, ", \"stop_after_n_steps\": 5"), 0f);
        List<Long> steps = new ArrayList<>();
        TrainerFixtures.train(TrainerFixtures.config(out, data, ", \"stop_after_n_steps\": 2, \"resume\": \"never\""), 1, 0f,
                (r, m) -> steps.add(m.step()));
        assertEquals(List.of(1L, 2L), steps);
        try (ToyEncoder enc = TrainerFixtures.model(0f)) {
            String m = org.junit.jupiter.api.Assertions.assertThrows(PermanentFailureException.class, () ->
                    SimCseTrainer.run(TrainerFixtures.config(out, data, ", \"seed\": 7"), enc, new HardNegativeLoss(20),
                            new org.bg2vec.collective.SingleProcessCollective(), TrainerFixtures.FACTS)).getMessage();
            assertTrue(m.contains("seed 42 -> 7"), m);
        }
    }

    @Test
    void twoWorkersTrainTheSameModelAsOne() throws Exception {
        Path data = TrainerFixtures.data(tmp.resolve("data"));
        float[] one = TrainerFixtures.trainOne(TrainerFixtures.config(tmp.resolve("w1"), data,
                ", \"max_steps\": 6"), 0.1f);
        List<float[]> two = TrainerFixtures.train(TrainerFixtures.config(tmp.resolve("w2"), data,
                ", \"max_steps\": 6, \"workers\": 2"), 2, 0.1f, (r, m) -> { });
        assertArrayEquals(two.get(0), two.get(1), 0f, "both ranks hold the same model");
        float[] init = TrainerFixtures.model(0.1f).values();
        assertTrue(TrainerFixtures.relativeDifference(init, one) > 1e-3, "training moved the parameters");
        // 4 micro-batches per step: 2 per worker, a power of two, so the sums are the same tree
        assertArrayEquals(one, two.get(0), 0f, "W=2 trains bit for bit the model of W=1");
    }

    @Test
    void aCheckpointOfTwoWorkersResumesOnOneWorker() throws Exception {
        Path data = TrainerFixtures.data(tmp.resolve("data"));
        float[] straight = TrainerFixtures.trainOne(TrainerFixtures.config(tmp.resolve("a"), data, ""), 0.1f);
        Path out = tmp.resolve("b");
        TrainerFixtures.train(TrainerFixtures.config(out, data, ", \"stop_after_n_steps\": 5, \"workers\": 2"), 2, 0.1f,
                (r, m) -> { });
        float[] resumed = TrainerFixtures.trainOne(TrainerFixtures.config(out, data, ""), 0.1f);
        double rel = TrainerFixtures.relativeDifference(resumed, straight);
        assertTrue(rel < 1e-5, "2 workers for 5 steps + 1 worker for 5 vs 1 worker for 10: " + rel);
    }
}
