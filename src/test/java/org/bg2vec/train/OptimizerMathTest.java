package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.bg2vec.djl.DjlRuntime;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizerMathTest {

    @Test
    void adamWFirstStepsMatchHandComputedValues() {
        try (NDManager m = DjlRuntime.newManager(); AdamW adam = new AdamW(m, 2, 0.9, 0.999, 1e-8, 0.0)) {
            NDArray p = m.create(new float[]{1f, -2f});
            // step 1: m̂ = g, v̂ = g², update = lr · g / (|g| + eps) = lr · sign(g)
            adam.update(p, m.create(new float[]{0.5f, -4f}), 0.1);
            assertArrayEquals(new float[]{0.9f, -1.9f}, p.toFloatArray(), 1e-6f);
            // step 2 with g = (0.5, 0): m = (0.095, -0.36), v = (0.00049975, 0.015984)
            // m̂ = m / 0.19, v̂ = v / 0.001999; update = lr · m̂ / (sqrt(v̂) + eps)
            adam.update(p, m.create(new float[]{0.5f, 0f}), 0.1);
            double m0 = 0.095 / 0.19;
            double v0 = (0.999 * 0.001 * 0.25 + 0.001 * 0.25) / (1 - 0.999 * 0.999);
            double m1 = -0.36 / 0.19;
            double v1 = (0.999 * 0.001 * 16) / (1 - 0.999 * 0.999);
            float[] after = p.toFloatArray();
            assertEquals(0.9 - 0.1 * m0 / (Math.sqrt(v0) + 1e-8), after[0], 1e-6);
            assertEquals(-1.9 - 0.1 * m1 / (Math.sqrt(v1) + 1e-8), after[1], 1e-6);
            assertEquals(2, adam.step());
            assertArrayEquals(new float[]{0.095f, -0.36f}, adam.firstMoment(), 1e-7f);
        }
    }

    @Test
    void weightDecayIsDecoupled() {
        try (NDManager m = DjlRuntime.newManager(); AdamW adam = new AdamW(m, 1, 0.9, 0.999, 1e-8, 0.5)) {
            NDArray p = m.create(new float[]{2f});
            adam.update(p, m.create(new float[]{0f}), 0.1);
            assertEquals(2f * (1 - 0.1f * 0.5f), p.toFloatArray()[0], 1e-6f);
        }
    }

    @Test
    void globalNormClippingScalesAllGradientsTogether() {
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray g = m.create(new float[]{3f, 0f, -4f});
            double norm = Math.sqrt(GradientClipping.sumOfSquares(g));
            assertEquals(5.0, norm, 1e-9);
            GradientClipping.clip(g, norm, 1.0);
            assertArrayEquals(new float[]{0.6f, 0f, -0.8f}, g.toFloatArray(), 1e-5f);
            NDArray small = m.create(new float[]{0.3f, 0.4f});
            double smallNorm = Math.sqrt(GradientClipping.sumOfSquares(small));
            assertEquals(0.5, smallNorm, 1e-7);
            GradientClipping.clip(small, smallNorm, 1.0);
            assertArrayEquals(new float[]{0.3f, 0.4f}, small.toFloatArray(), 0f);
        }
    }

    @Test
    void theSumOfSquaresIsTheFiniteCheck() {
        try (NDManager m = DjlRuntime.newManager()) {
            float[] big = new float[3 * GradientClipping.ROW + 5];
            java.util.Arrays.fill(big, Float.MAX_VALUE);
            assertTrue(Double.isFinite(GradientClipping.sumOfSquares(m.create(big))), "float32 max squared fits a double");
            for (float bad : new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                for (int at : new int[]{0, GradientClipping.ROW + 1, big.length - 1}) {
                    float[] g = new float[big.length];
                    g[at] = bad;
                    assertFalse(Double.isFinite(GradientClipping.sumOfSquares(m.create(g))), bad + " at " + at);
                }
            }
        }
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
