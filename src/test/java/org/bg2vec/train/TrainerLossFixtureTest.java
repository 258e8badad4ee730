package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.collective.SingleProcessCollective;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.format.SafetensorsFile;
import org.bg2vec.train.data.BatchCollator;
import org.bg2vec.train.data.TrainSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The trainer's loss wiring against the tiny-mistral fixture's (e): HardNegativeNLLLoss(20) of the
 * mean-pooled q_batch and d_batch through the MNTP-merged bidirectional model, e.loss (README
 * tolerance |x − ref| ≤ 1e-5).
 */
class TrainerLossFixtureTest {

    static final Path FIXTURE = Path.of("src/test/resources/fixtures/tiny-mistral");
    static final double TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    static float[] expected(NDManager m, String name) {
        try (SafetensorsFile f = SafetensorsFile.open(FIXTURE.resolve("expected.safetensors"))) {
            return f.read(m, "f32/" + name, DataType.FLOAT32).toFloatArray();
        }
    }

    TrainConfig config() {
        return TrainConfig.parse("{\"model_name_or_path\": \"" + FIXTURE + "\", \"peft_model_name_or_path\": \""
                + FIXTURE.resolve("mntp-adapter") + "\", \"output_dir\": \"" + tmp + "\", \"bidirectional\": true,"
                + " \"pooling_mode\": \"mean\", \"simcse_dropout\": 0, \"lora_dropout\": 0, \"loss_scale\": 20,"
                + " \"global_batch_size\": 3, \"micro_batch_size\": 3}");
    }

    @Test
    void theTrainersLossOfTheFixtureEmbeddingsIsELoss() {
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray q = m.create(expected(m, "e.q_reps"), new Shape(3, 64));
            NDArray d = m.create(expected(m, "e.d_reps_pos"), new Shape(3, 64));
            float loss = TrainingWorker.loss(config()).loss(q, d).getFloat();
            assertEquals(expected(m, "e.loss")[0], loss, TOLERANCE);
        }
    }

    /** The whole path: prepared ids → collator → real model (MNTP merged, new LoRA) → gather → loss. */
    @Test
    void aTrainingStepOnTheFixtureBatchReportsELoss() throws Exception {
        JsonNode inputs = new ObjectMapper().readTree(FIXTURE.resolve("inputs.json").toFile());
        List<TrainSample> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(new TrainSample(i, ids(inputs.get("q_batch").get("sequences_unpadded").get(i)),
                    ids(inputs.get("d_batch").get("sequences_unpadded").get(i))));
        }
        TrainConfig c = config();
        double eLoss;
        try (NDManager m = DjlRuntime.newManager()) {
            eLoss = expected(m, "e.loss")[0];
        }
        try (Llm2VecAdapterEncoder enc = TrainingWorker.load(c, TrainingWorker.options(c, 0));
             NDManager m = DjlRuntime.newManager()) {
            TrainableVector params = new TrainableVector(enc.trainableParameters());
            GradCacheStep step = new GradCacheStep(enc, TrainingWorker.loss(c), new SingleProcessCollective(), params,
                    new BatchCollator(2), 3, 3, c.seed(), true);
            GradCacheStep.Result r = step.run(m, batch, 0, 1.0);
            assertEquals(eLoss, r.loss(), TOLERANCE, "training step loss");
            assertEquals(eLoss, step.evaluate(m, batch), TOLERANCE, "validation loss");
        }
    }

    private static int[] ids(JsonNode row) {
        int[] out = new int[row.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = row.get(i).asInt();
        }
        return out;
    }
}
