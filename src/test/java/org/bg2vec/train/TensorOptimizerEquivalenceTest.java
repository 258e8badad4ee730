package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.djl.Tensors;
import org.bg2vec.model.NamedParameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The optimizer as tensor operations ({@link StepOptimizer}: finite check, loss scaler, unscale, global-norm clip,
 * AdamW, write-back) against the former update on Java arrays ({@link HostAdamW}, {@link HostGradientClipping}), step by
 * step on the CPU: the parameters are bit for bit the same after every step, through clipped and unclipped steps,
 * a skipped NaN step, a skipped step with an infinite loss, fp16 loss scaling with growth and back-off, and weight
 * decay; the reported norm agrees to 1e-12 relative (a float64 sum in another order).
 */
class TensorOptimizerEquivalenceTest {

    /** The former {@code StepOptimizer.apply} on Java arrays: the reference. */
    private static final class HostReference {
        final TrainConfig config;
        final LinearSchedule schedule;
        final float[] master;
        final HostAdamW adam;
        final DynamicLossScaler scaler;

        HostReference(TrainConfig config, LinearSchedule schedule, float[] master) {
            this.config = config;
            this.schedule = schedule;
            this.master = master;
            this.adam = new HostAdamW(master.length, config.adamBeta1(), config.adamBeta2(), config.adamEpsilon(),
                    config.weightDecay());
            this.scaler = DynamicLossScaler.of(config);
        }

        /** The norm of an applied step, NaN for a skipped one. */
        double apply(float[] grads, double loss) {
            boolean finite = Double.isFinite(loss) && HostGradientClipping.allFinite(grads);
            double usedScale = scaler.scale();
            if (!scaler.update(finite)) {
                return Double.NaN;
            }
            if (usedScale != 1.0) {
                float inv = (float) (1.0 / usedScale);
                for (int i = 0; i < grads.length; i++) {
                    grads[i] *= inv;
                }
            }
            double norm = HostGradientClipping.clip(grads, config.maxGradNorm());
            adam.update(master, grads, schedule.learningRate(adam.step()));
            return norm;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"output_dir\": \"/tmp/x\", \"precision\": \"fp32\", \"weight_decay\": 0.0, \"max_grad_norm\": 1.0}",
        "{\"output_dir\": \"/tmp/x\", \"precision\": \"fp16\", \"weight_decay\": 0.01, \"max_grad_norm\": 1.0,"
                + " \"fp16_init_scale\": 1024, \"fp16_growth_interval\": 2}"})
    void tensorUpdateEqualsTheHostUpdateBitForBit(String json) {
        TrainConfig config = TrainConfig.parse(json);
        LinearSchedule schedule = new LinearSchedule(2e-3, 2, 40);
        SplittableRandom random = new SplittableRandom(5);
        try (NDManager m = DjlRuntime.newManager()) {
            // three parameters, 1,089,617 values in all: two chunks of AdamW, several blocks of the norm's rows and a tail
            List<NamedParameter> named = new ArrayList<>();
            int[][] shapes = {{64, 33}, {17}, {1024, 1062}};
            for (int p = 0; p < shapes.length; p++) {
                Shape shape = new Shape(java.util.Arrays.stream(shapes[p]).asLongStream().toArray());
                named.add(new NamedParameter("p" + p, Tensors.owned(m, gaussian(random, (int) shape.size(), 0.02),
                        shape)));
            }
            TrainableVector params = new TrainableVector(named);
            HostReference host = new HostReference(config, schedule, params.values());
            int skipped = 0;
            try (StepOptimizer tensor = new StepOptimizer(config, params, schedule)) {
                for (int step = 0; step < 12; step++) {
                    double scale = tensor.scale();
                    assertEquals(host.scaler.scale(), scale, "loss scale before step " + step);
                    // norms from 0.03 to 30: some steps are clipped (max_grad_norm 1), some not
                    float[] g = gaussian(random, params.size(), Math.pow(10, step % 4 - 2.5) * scale);
                    double loss = 1.5;
                    if (step == 5) {
                        g[params.size() / 2] = Float.NaN;
                    } else if (step == 8) {
                        loss = Double.POSITIVE_INFINITY;
                    }
                    double hostNorm = host.apply(g.clone(), loss);
                    StepOptimizer.Applied applied;
                    try (NDArray grads = Tensors.owned(m, g, new Shape(g.length))) {
                        applied = tensor.apply(grads, loss);
                    }
                    assertEquals(!Double.isNaN(hostNorm), applied.finite(), "step " + step + " applied");
                    skipped += applied.finite() ? 0 : 1;
                    if (applied.finite()) {
                        assertEquals(hostNorm, applied.gradNorm(), 1e-12 * hostNorm, "norm at step " + step);
                    }
                    assertArrayEquals(host.master, params.values(), "parameters after step " + step);
                }
            }
            assertEquals(2, skipped, "the NaN step and the infinite-loss step are skipped");
            assertEquals(10, host.adam.step());
        }
    }

    private static float[] gaussian(SplittableRandom random, int n, double sd) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            double v = random.nextDouble();
            out[i] = (float) (sd * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
        }
        return out;
    }
}
