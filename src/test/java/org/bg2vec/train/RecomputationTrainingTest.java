package org.bg2vec.train;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gradient_checkpointing: true} (per-layer recomputation) trains bit for bit the model of the whole-graph
 * backward: same losses at every step, same adapter bytes, also with two workers.
 */
class RecomputationTrainingTest extends TinyModelTraining {

    private byte[] adapterBytes(String out) throws Exception {
        return Files.readAllBytes(tmp.resolve(out).resolve("adapter/adapter_model.safetensors"));
    }

    @Test
    void recomputationTrainsTheSameModelBitForBit() throws Exception {
        List<Double> whole = new ArrayList<>();
        List<Double> recomputed = new ArrayList<>();
        String steps = ", \"max_steps\": 2, \"save_steps\": 2";
        RealModelFixtures.train(RealModelFixtures.config(model, data, tmp.resolve("whole"), steps), 1,
                (r, m) -> whole.add(m.loss()));
        RealModelFixtures.train(RealModelFixtures.config(model, data, tmp.resolve("recomputed"),
                steps + ", \"gradient_checkpointing\": true"), 1, (r, m) -> recomputed.add(m.loss()));
        assertEquals(2, whole.size());
        assertEquals(whole, recomputed, "the same loss at every step");
        assertArrayEquals(adapterBytes("whole"), adapterBytes("recomputed"), "bit-identical adapters");

        RealModelFixtures.train(RealModelFixtures.config(model, data, tmp.resolve("two"),
                steps + ", \"gradient_checkpointing\": true, \"workers\": 2"), 2, (r, m) -> { });
        double rel = TrainerFixtures.relativeDifference(RealTraining.adapter(tmp.resolve("two/adapter")),
                RealTraining.adapter(tmp.resolve("whole/adapter")));
        assertTrue(rel <= 1e-5, "W=2 with recomputation vs W=1 without: relative difference " + rel);
    }
}
