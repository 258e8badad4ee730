package org.bg2vec.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class OptimizerMathTest {

    @Test
    void adamWFirstStepsMatchHandComputedValues() {
        AdamW adam = new AdamW(2, 0.9, 0.999, 1e-8, 0.0);
        float[] p = {1f, -2f};
        // step 1: m̂ = g, v̂ = g², update = lr · g / (|g| + eps) = lr · sign(g)
        adam.update(p, new float[]{0.5f, -4f}, 0.1);
        assertArrayEquals(new float[]{0.9f, -1.9f}, p, 1e-6f);
        // step 2 with g = (0.5, 0): m = (0.095, -0.36), v = (0.00049975, 0.015984)
        // m̂ = m / 0.19, v̂ = v / 0.001999; update = lr · m̂ / (sqrt(v̂) + eps)
        adam.update(p, new float[]{0.5f, 0f}, 0.1);
        double m0 = 0.095 / 0.19;
        double v0 = (0.999 * 0.001 * 0.25 + 0.001 * 0.25) / (1 - 0.999 * 0.999);
        double m1 = -0.36 / 0.19;
        double v1 = (0.999 * 0.001 * 16) / (1 - 0.999 * 0.999);
        assertEquals(0.9 - 0.1 * m0 / (Math.sqrt(v0) + 1e-8), p[0], 1e-6);
        assertEquals(-1.9 - 0.1 * m1 / (Math.sqrt(v1) + 1e-8), p[1], 1e-6);
        assertEquals(2, adam.step());
    }

    @Test
    void weightDecayIsDecoupled() {
        AdamW adam = new AdamW(1, 0.9, 0.999, 1e-8, 0.5);
        float[] p = {2f};
        adam.update(p, new float[]{0f}, 0.1);
        assertEquals(2f * (1 - 0.1f * 0.5f), p[0], 1e-6f);
    }

    @Test
    void globalNormClippingScalesAllGradientsTogether() {
        float[] g = {3f, 0f, -4f};
        assertEquals(5.0, GradientClipping.clip(g, 1.0), 1e-9);
        assertArrayEquals(new float[]{0.6f, 0f, -0.8f}, g, 1e-5f);
        float[] small = {0.3f, 0.4f};
        assertEquals(0.5, GradientClipping.clip(small, 1.0), 1e-7);
        assertArrayEquals(new float[]{0.3f, 0.4f}, small, 0f);
    }

    @Test
    void linearScheduleWarmsUpThenDecaysOverTheHorizon() {
        LinearSchedule s = new LinearSchedule(1.0, 2, 10);
        assertEquals(0.0, s.learningRate(0), 1e-12);
        assertEquals(0.5, s.learningRate(1), 1e-12);
        assertEquals(1.0, s.learningRate(2), 1e-12);
        assertEquals(0.5, s.learningRate(6), 1e-12);
        assertEquals(0.0, s.learningRate(10), 1e-12);
        assertEquals(0.0, s.learningRate(12), 1e-12);
        LinearSchedule noWarmup = new LinearSchedule(3e-5, 0, 1000);
        assertEquals(3e-5, noWarmup.learningRate(0), 1e-15);
    }

    @Test
    void horizonIsEpochsTimesStepsUnlessMaxStepsIsSet() {
        TrainConfig llm2vec = TrainConfig.parse("{\"output_dir\": \"/tmp/x\", \"stop_after_n_steps\": 1000}");
        // llm2vec: 3 epochs planned, 1000 steps run
        assertEquals(3 * 7812, LinearSchedule.horizon(llm2vec, 7812));
        TrainConfig explicit = llm2vec.with("max_steps", 1000);
        assertEquals(1000, LinearSchedule.horizon(explicit, 7812));
        TrainConfig fractional = llm2vec.with("num_train_epochs", 0.5);
        assertEquals(3906, LinearSchedule.horizon(fractional, 7812));
        assertEquals(1, LinearSchedule.of(llm2vec.with("warmup_ratio", 0.00001), 7812).warmupSteps());
    }

    @Test
    void dropoutKeysDifferPerStepMicroBatchAndView() {
        long a = DropoutSeeds.of(42, 0, 0, 0);
        assertNotEquals(a, DropoutSeeds.of(42, 1, 0, 0));
        assertNotEquals(a, DropoutSeeds.of(42, 0, 1, 0));
        assertNotEquals(a, DropoutSeeds.of(42, 0, 0, 1));
        assertNotEquals(a, DropoutSeeds.of(43, 0, 0, 0));
        assertEquals(a, DropoutSeeds.of(42, 0, 0, 0));
    }
}
