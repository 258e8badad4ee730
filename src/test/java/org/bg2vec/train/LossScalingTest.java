package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.apache.hadoop.conf.Configuration;
import org.bg2vec.collective.SingleProcessCollective;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.model.ForwardingEncoder;
import org.bg2vec.tokenize.TokenizedBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossScalingTest {

    @TempDir
    Path tmp;

    @Test
    void scalerBacksOffOnOverflowAndGrowsAfterTheInterval() {
        DynamicLossScaler s = new DynamicLossScaler(1024, 2, 0.5, 3);
        assertTrue(s.update(true));
        assertFalse(s.update(false));
        assertEquals(512, s.scale());
        assertTrue(s.update(true));
        assertTrue(s.update(true));
        assertEquals(512, s.scale());
        assertTrue(s.update(true));
        assertEquals(1024, s.scale());
        DynamicLossScaler off = DynamicLossScaler.disabled();
        assertFalse(off.update(false));
        assertEquals(1, off.scale());
    }

    /** Embeds normally except at one training step, where every embedding becomes inf (an fp16 overflow). */
    static final class Overflowing extends ForwardingEncoder {
        final ToyEncoder toy;
        final long poisonedStep;

        Overflowing(ToyEncoder toy, long poisonedStep) {
            super(toy);
            this.toy = toy;
            this.poisonedStep = poisonedStep;
        }

        @Override
        public NDArray embed(NDManager m, TokenizedBatch batch, boolean training, long seed) {
            NDArray e = inner.embed(m, batch, training, seed);
            boolean poisoned = false;
            for (int micro = 0; micro < 4; micro++) {
                poisoned |= seed == DropoutSeeds.of(42, poisonedStep, micro, DropoutSeeds.QUERY);
            }
            return poisoned ? e.mul(Float.POSITIVE_INFINITY) : e;
        }
    }

    @Test
    void anInfGradientSkipsTheStepAndLowersTheScaleWhichGrowsBackAfterGoodSteps() throws Exception {
        Path data = TrainerFixtures.data(tmp.resolve("data"));
        TrainConfig c = TrainerFixtures.config(tmp.resolve("out"), data, ", \"precision\": \"fp16\","
                + " \"fp16_init_scale\": 1024, \"fp16_growth_interval\": 3, \"max_steps\": 8");
        List<Double> scales = new ArrayList<>();
        List<Boolean> skipped = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        try (Overflowing enc = new Overflowing(TrainerFixtures.model(0.1f), 2)) {
            SimCseTrainer.Result r = SimCseTrainer.run(c, enc, new HardNegativeNLLLoss(20f), new SingleProcessCollective(),
                    TrainerFixtures.FACTS, new Configuration(), (rank, m) -> {
                        scales.add(m.lossScale());
                        skipped.add(m.skipped());
                        values.add(enc.toy.values());
                    });
            assertEquals(1, r.skippedSteps());
        }
        assertEquals(List.of(1024.0, 1024.0, 1024.0, 512.0, 512.0, 512.0, 1024.0, 1024.0), scales);
        assertEquals(List.of(false, false, true, false, false, false, false, false), skipped);
        assertArrayEquals(values.get(1), values.get(2), 0f, "a skipped step leaves the parameters unchanged");
        assertFalse(java.util.Arrays.equals(values.get(2), values.get(3)));
    }

    @Test
    void scaledGradientsAreUnscaledBeforeTheUpdate() throws Exception {
        Path data = TrainerFixtures.data(tmp.resolve("data"));
        float[] fp32 = TrainerFixtures.trainOne(TrainerFixtures.config(tmp.resolve("a"), data, ", \"max_steps\": 4"), 0.1f);
        float[] scaled = TrainerFixtures.trainOne(TrainerFixtures.config(tmp.resolve("b"), data,
                ", \"max_steps\": 4, \"precision\": \"fp16\", \"fp16_init_scale\": 4096"), 0.1f);
        double rel = TrainerFixtures.relativeDifference(scaled, fp32);
        assertTrue(rel < 1e-6, "loss scaling must not change the update: " + rel);
    }
}
