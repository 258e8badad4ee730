package org.bg2vec.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer with the real Mistral encoder ({@link TrainingWorker}: random tiny checkpoint, new
 * LoRA, SimCSE dropout 0.3, LoRA dropout 0.05): runs repeat bit for bit, resume continues exactly,
 * two workers train the model of one, the loss falls, and the saved adapter is what llm2vec loads.
 */
class RealModelTrainingTest extends TinyModelTraining {

    private TrainConfig config(String out, String extra) {
        return RealModelFixtures.config(model, data, tmp.resolve(out), extra);
    }

    private byte[] adapterBytes(String out) throws Exception {
        return Files.readAllBytes(tmp.resolve(out).resolve("adapter/adapter_model.safetensors"));
    }

    @Test
    void twoIdenticalRunsWriteBitIdenticalAdapters() throws Exception {
        List<Double> lossA = new ArrayList<>();
        List<Double> lossB = new ArrayList<>();
        RealModelFixtures.train(config("a", ""), 1, (r, m) -> lossA.add(m.loss()));
        RealModelFixtures.train(config("b", ""), 1, (r, m) -> lossB.add(m.loss()));
        assertEquals(6, lossA.size());
        assertEquals(lossA, lossB, "the same losses at every step");
        assertArrayEquals(adapterBytes("a"), adapterBytes("b"), "bit-identical adapters");
        float[] b = RealModelFixtures.adapter(tmp.resolve("a/adapter")).lastEntry().getValue(); // a lora_B
        assertTrue(java.util.stream.IntStream.range(0, b.length).anyMatch(i -> b[i] != 0f), "lora_B moved from zero");
    }

    @Test
    void threeStepsResumedThreeStepsEqualSixStraight() throws Exception {
        RealModelFixtures.train(config("straight", ""), 1, (r, m) -> { });
        RealModelFixtures.train(config("resumed", ", \"stop_after_n_steps\": 3"), 1, (r, m) -> { });
        float[] half = RealModelFixtures.flat(RealModelFixtures.adapter(tmp.resolve("resumed/adapter")));
        List<Long> steps = new ArrayList<>();
        SimCseTrainer.Result result = RealModelFixtures.train(config("resumed", ""), 1,
                (r, m) -> steps.add(m.step())).get(0);
        assertEquals(List.of(4L, 5L, 6L), steps, "the second run continues at step 4");
        assertTrue(result.resumedFrom().endsWith("step-3"), result.resumedFrom());
        float[] straight = RealModelFixtures.flat(RealModelFixtures.adapter(tmp.resolve("straight/adapter")));
        assertFalse(java.util.Arrays.equals(half, straight), "3 steps and 6 steps give different adapters");
        assertArrayEquals(adapterBytes("straight"), adapterBytes("resumed"), "resume continues bit for bit");
    }

    @Test
    void twoWorkersTrainTheModelOfOne() throws Exception {
        RealModelFixtures.train(config("w1", ""), 1, (r, m) -> { });
        List<SimCseTrainer.Result> two = RealModelFixtures.train(config("w2", ", \"workers\": 2"), 2, (r, m) -> { });
        assertEquals(2, two.size());
        assertEquals(6, two.get(1).steps());
        float[] one = RealModelFixtures.flat(RealModelFixtures.adapter(tmp.resolve("w1/adapter")));
        float[] w2 = RealModelFixtures.flat(RealModelFixtures.adapter(tmp.resolve("w2/adapter")));
        double rel = TrainerFixtures.relativeDifference(w2, one);
        assertTrue(rel <= 1e-5, "W=2 vs W=1 relative difference " + rel);
    }

    /** Independent cropping keys its spans by (seed, step, sample): two workers still train the model of one. */
    @Test
    void croppedViewsTwoWorkersTrainTheModelOfOne() throws Exception {
        String crop = ", \"independent_cropping\": true, \"crop_min_ratio\": 0.5, \"crop_max_ratio\": 1,"
                + " \"query_crop_min_ratio\": 0.1, \"query_crop_max_ratio\": 0.4";
        List<Double> lossOne = new ArrayList<>();
        List<Double> lossPlain = new ArrayList<>();
        RealModelFixtures.train(config("c1", crop), 1, (r, m) -> lossOne.add(m.loss()));
        RealModelFixtures.train(config("plain", ""), 1, (r, m) -> lossPlain.add(m.loss()));
        assertTrue(lossOne.get(0) > 2 * lossPlain.get(0), "two spans are harder to match than two dropout copies: "
                + lossOne.get(0) + " vs " + lossPlain.get(0));
        RealModelFixtures.train(config("c2", crop + ", \"workers\": 2"), 2, (r, m) -> { });
        float[] one = RealModelFixtures.flat(RealModelFixtures.adapter(tmp.resolve("c1/adapter")));
        float[] two = RealModelFixtures.flat(RealModelFixtures.adapter(tmp.resolve("c2/adapter")));
        double rel = TrainerFixtures.relativeDifference(two, one);
        assertTrue(rel <= 1e-5, "W=2 vs W=1 relative difference with cropping " + rel);
        float[] plain = RealModelFixtures.flat(RealModelFixtures.adapter(tmp.resolve("plain/adapter")));
        assertTrue(TrainerFixtures.relativeDifference(one, plain) > 1e-2, "cropping trains another model");
    }

    @Test
    void croppedViewsResumeExactly() throws Exception {
        String crop = ", \"independent_cropping\": true";
        RealModelFixtures.train(config("straight", crop), 1, (r, m) -> { });
        RealModelFixtures.train(config("resumed", crop + ", \"stop_after_n_steps\": 3"), 1, (r, m) -> { });
        RealModelFixtures.train(config("resumed", crop), 1, (r, m) -> { });
        assertArrayEquals(adapterBytes("straight"), adapterBytes("resumed"), "resume draws the same spans");
    }

    /**
     * Batches differ in difficulty, so the trained run's losses are compared with those of an
     * untrained run (learning rate ~0) on the same batches with the same dropout masks.
     */
    @Test
    void lossFallsOverTwentySteps() throws Exception {
        String common = ", \"max_steps\": 20, \"save_steps\": 20, \"warmup_steps\": 2, \"loss_scale\": 2";
        List<Double> trained = new ArrayList<>();
        List<Double> untrained = new ArrayList<>();
        RealModelFixtures.train(config("learn", common + ", \"learning_rate\": 0.003"), 1,
                (r, m) -> trained.add(m.loss()));
        RealModelFixtures.train(config("still", common + ", \"learning_rate\": 1e-12"), 1,
                (r, m) -> untrained.add(m.loss()));
        assertEquals(20, trained.size());
        assertEquals(trained.get(0), untrained.get(0), "step 1 runs the initial model in both");
        double a = trained.subList(10, 20).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double b = untrained.subList(10, 20).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        long lower = java.util.stream.IntStream.range(10, 20).filter(i -> trained.get(i) < untrained.get(i)).count();
        assertTrue(a < 0.85 * b && lower == 10, "steps 11-20: trained loss " + a + " vs untrained " + b
                + "; lower on " + lower + " of 10 batches");
        double first = untrained.subList(0, 10).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double firstTrained = trained.subList(0, 10).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(a < firstTrained, "the trained loss falls over the run: " + firstTrained + " -> " + a);
        assertTrue(Math.abs(b - first) < 0.5 * first, "untrained losses stay at their level: " + first + ", " + b);
    }

    @Test
    void theAdapterDirectoryIsWhatLlm2VecLoads() throws Exception {
        RealModelFixtures.train(config("files", ", \"max_steps\": 1"), 1, (r, m) -> { });
        ObjectMapper json = new ObjectMapper();
        for (Path dir : List.of(tmp.resolve("files/adapter"), tmp.resolve("files/checkpoints/step-1/adapter"))) {
            JsonNode peft = json.readTree(dir.resolve("adapter_config.json").toFile());
            assertEquals(model.toString(), peft.path("base_model_name_or_path").asText());
            assertEquals(4, peft.path("r").asInt());
            assertEquals(8, peft.path("lora_alpha").asInt());
            assertEquals(7, peft.path("target_modules").size());
            JsonNode llm2vec = json.readTree(dir.resolve("llm2vec_config.json").toFile());
            assertEquals("mean", llm2vec.path("pooling_mode").asText());
            assertEquals(32, llm2vec.path("max_length").asInt());
            assertEquals(400, llm2vec.path("doc_max_length").asInt());
            assertTrue(llm2vec.path("skip_instruction").asBoolean());
            // 2 layers x 7 projections x (A, B)
            assertEquals(28, RealModelFixtures.adapter(dir).size());
        }
    }
}
