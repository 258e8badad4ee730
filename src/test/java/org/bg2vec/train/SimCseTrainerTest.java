package org.bg2vec.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.loss.HardNegativeNLLLoss;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimCseTrainerTest {

    @TempDir
    Path tmp;

    @Test
    void lossDecreasesAndOutputsAreWritten() throws Exception {
        Path data = TrainerFixtures.data(tmp.resolve("data"));
        Path out = tmp.resolve("out");
        TrainConfig c = TrainerFixtures.config(out, data, ", \"max_steps\": 40, \"save_steps\": 10,"
                + " \"keep_checkpoints\": 2, \"eval_steps\": 10, \"eval_batches\": 2");
        List<Double> losses = new ArrayList<>();
        TrainerFixtures.train(c, 1, 0.1f, (r, m) -> losses.add(m.loss()));
        assertEquals(40, losses.size());

        assertTrue(Files.isRegularFile(out.resolve("adapter/toy-adapter.bin")));
        assertTrue(Files.size(out.resolve("loss.png")) > 1000);
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        ObjectMapper json = new ObjectMapper();
        long train = 0;
        List<Double> validation = new ArrayList<>();
        for (String l : lines) {
            JsonNode n = json.readTree(l);
            if (n.path("type").asText().equals("train")) {
                train++;
                assertTrue(n.path("tokens_per_s").asDouble() > 0);
                assertEquals(1, n.path("rank_collective_time_s").size());
            } else {
                validation.add(n.path("loss").asDouble());
            }
        }
        assertEquals(40, train);
        // the same validation batches every time, so unlike the training loss of a few steps (dominated by which
        // samples share a batch) their loss shows the learning
        assertEquals(4, validation.size());
        for (int i = 1; i < validation.size(); i++) {
            assertTrue(validation.get(i) < validation.get(i - 1), "validation loss should fall: " + validation);
        }
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
                    SimCseTrainer.run(TrainerFixtures.config(out, data, ", \"seed\": 7"), enc, new HardNegativeNLLLoss(20f),
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

    @Test
    void anotherRunsCheckpointIsRefusedUnlessForced() throws Exception {
        Path data = TrainerFixtures.data(tmp.resolve("data"));
        Path out = tmp.resolve("out");
        TrainerFixtures.trainOne(TrainerFixtures.config(out, data, ", \"stop_after_n_steps\": 5"), 0.1f);
        // a changed learning rate is another training: its optimizer state would not continue this one
        TrainConfig other = TrainerFixtures.config(out, data, ", \"learning_rate\": 0.02");
        PermanentFailureException e = (PermanentFailureException) assertThrows(
                java.util.concurrent.ExecutionException.class, () -> TrainerFixtures.trainOne(other, 0.1f)).getCause();
        assertEquals(PermanentFailureException.Kind.CONFIGURATION, e.kind());
        assertTrue(e.getMessage().contains("learning_rate 0.01 -> 0.02") && e.getMessage().contains("resume_force"),
                e.getMessage());

        List<Long> steps = new ArrayList<>();
        TrainerFixtures.train(TrainerFixtures.config(out, data, ", \"learning_rate\": 0.02, \"resume_force\": true"),
                1, 0.1f, (r, m) -> steps.add(m.step()));
        assertEquals(List.of(6L, 7L, 8L, 9L, 10L), steps, "forced, it continues from step 5");
    }

    @Test
    void changedDataIsRefusedButTheSameDataMovedElsewhereIsTheSameRun() throws Exception {
        Path data = TrainerFixtures.data(tmp.resolve("data"));
        float[] straight = TrainerFixtures.trainOne(TrainerFixtures.config(tmp.resolve("a"), data, ""), 0.1f);
        Path out = tmp.resolve("b");
        TrainerFixtures.trainOne(TrainerFixtures.config(out, data, ", \"stop_after_n_steps\": 5"), 0.1f);

        Path moved = tmp.resolve("elsewhere/prepared");
        Files.createDirectories(moved.getParent());
        Files.move(data, moved);
        Path other = tmp.resolve("c");
        TrainerFixtures.trainOne(TrainerFixtures.config(other, moved, ", \"stop_after_n_steps\": 5"), 0.1f);
        float[] resumed = TrainerFixtures.trainOne(TrainerFixtures.config(out, moved, ""), 0.1f);
        assertArrayEquals(straight, resumed, 0f, "moved data continues the run exactly");

        Path changed = org.bg2vec.train.data.TestShards.write(tmp.resolve("changed"),
                org.bg2vec.train.data.TestShards.randomSamples(64, TrainerFixtures.VOCAB, 10, 99),
                org.bg2vec.train.data.TestShards.randomSamples(32, TrainerFixtures.VOCAB, 10, 6), 3,
                TrainerFixtures.VOCAB, 10);
        TrainConfig more = TrainerFixtures.config(other, changed, "");
        Exception e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> TrainerFixtures.trainOne(more, 0.1f));
        PermanentFailureException p = (PermanentFailureException) e.getCause();
        assertEquals(PermanentFailureException.Kind.DATA_CHANGED, p.kind(), p.getMessage());
    }

    @Test
    void aNewRunInADirectoryOfAnotherKeepsItsOwnCheckpointsAndLeftoversAreRemoved() throws Exception {
        Path data = TrainerFixtures.data(tmp.resolve("data"));
        Path out = tmp.resolve("out");
        TrainerFixtures.trainOne(TrainerFixtures.config(out, data, ", \"save_steps\": 2, \"keep_checkpoints\": 2"),
                0.1f);
        Path ckpt = out.resolve("checkpoints");
        Path leftover = Files.createDirectories(ckpt.resolve(".step-12.tmp-" + java.util.UUID.randomUUID()));
        Path leftoverAdapter = Files.createDirectories(out.resolve(".adapter.tmp-" + java.util.UUID.randomUUID()));
        TrainerFixtures.trainOne(TrainerFixtures.config(out, data, ", \"save_steps\": 2, \"keep_checkpoints\": 2,"
                + " \"seed\": 7, \"resume\": \"never\", \"stop_after_n_steps\": 4"), 0.1f);
        try (Stream<Path> s = Files.list(ckpt)) {
            assertEquals(List.of("step-10", "step-2", "step-4", "step-8"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the new run (steps 2, 4) keeps its checkpoints next to the old run's last two");
        }
        assertTrue(Files.notExists(leftover) && Files.notExists(leftoverAdapter),
                "the copies an interrupted run left are removed");
    }

    @Test
    void anExplicitCheckpointThatDoesNotVerifyIsAPermanentError() throws Exception {
        Path data = TrainerFixtures.data(tmp.resolve("data"));
        Path out = tmp.resolve("out");
        TrainerFixtures.trainOne(TrainerFixtures.config(out, data, ", \"stop_after_n_steps\": 5"), 0.1f);
        Path trainable = out.resolve("checkpoints/step-5/trainable.bin");
        Files.write(trainable, java.util.Arrays.copyOf(Files.readAllBytes(trainable), 20));
        TrainConfig c = TrainerFixtures.config(tmp.resolve("next"), data,
                ", \"resume\": \"" + out.resolve("checkpoints/step-5") + "\"");
        Exception e = assertThrows(java.util.concurrent.ExecutionException.class, () -> TrainerFixtures.trainOne(c, 0.1f));
        PermanentFailureException p = (PermanentFailureException) e.getCause();
        assertEquals(PermanentFailureException.Kind.CORRUPT_CHECKPOINT, p.kind());
        assertTrue(p.getMessage().contains("trainable.bin has 20 bytes"), p.getMessage());
    }
}
