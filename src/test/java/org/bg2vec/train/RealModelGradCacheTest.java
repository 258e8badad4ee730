package org.bg2vec.train;

import ai.djl.ndarray.NDManager;
import org.bg2vec.collective.SingleProcessCollective;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.model.ModelPreset;
import org.bg2vec.train.data.BatchCollator;
import org.bg2vec.train.data.TrainSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GradCache with the real Mistral encoder: with dropout off, the gradient of a step computed in
 * micro-batches of 2 equals plain autograd over the whole batch of 8 at once; with dropout on, a slice of one
 * micro-batch that keeps its graph gives the gradient of the re-forward bit for bit.
 */
class RealModelGradCacheTest {

    @TempDir
    Path tmp;

    /** A TINY model's config with the given dropout and batch settings (JSON fragment), LoRA r 4, scale 20. */
    static TrainConfig config(Path dir, String settings) throws Exception {
        Path model = RealModelFixtures.model(dir.resolve("model"), ModelPreset.TINY);
        return TrainConfig.parse("{\"model_name_or_path\": \"" + model + "\", \"output_dir\": \"" + dir
                + "\", \"bidirectional\": true, \"lora_r\": 4, \"loss_scale\": 20, " + settings + "}");
    }

    /** {@code n} pairs whose query and positive lengths {@code queryLength(i)}, {@code positiveLength(i)} start with BOS. */
    static List<TrainSample> pairs(SplittableRandom rnd, int n, IntUnaryOperator queryLength,
                                   IntUnaryOperator positiveLength) {
        List<TrainSample> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] q = rnd.ints(queryLength.applyAsInt(i), 3, 200).toArray();
            int[] d = rnd.ints(positiveLength.applyAsInt(i), 3, 200).toArray();
            q[0] = 1;
            d[0] = 1;
            batch.add(new TrainSample(i, q, d));
        }
        return batch;
    }

    /** The encoder's LoRA parameters set to random values in ±0.05 (B != 0, so A gets a gradient too). */
    static TrainableVector randomParameters(Llm2VecAdapterEncoder enc, SplittableRandom rnd) {
        TrainableVector params = new TrainableVector(enc.trainableParameters());
        float[] values = new float[params.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) rnd.nextDouble(-0.05, 0.05);
        }
        params.setValues(values);
        return params;
    }

    @Test
    void withoutDropoutGradCacheEqualsTheFullBatchGradient() throws Exception {
        TrainConfig c = config(tmp, "\"simcse_dropout\": 0, \"lora_dropout\": 0, \"global_batch_size\": 8,"
                + " \"micro_batch_size\": 2");
        // one length: positions run over the padded row, so padding to another length changes embeddings
        SplittableRandom rnd = new SplittableRandom(3);
        List<TrainSample> batch = pairs(rnd, 8, i -> 9, i -> 9);
        try (Llm2VecAdapterEncoder enc = TrainingWorker.load(c, TrainingWorker.options(c, 0));
             NDManager m = DjlRuntime.newManager()) {
            TrainableVector params = randomParameters(enc, rnd);
            HardNegativeNLLLoss loss = TrainingWorker.loss(c);
            float[] full = GradCacheStepTest.fullBatchGradient(enc, batch, loss);
            float[] cached = new GradCacheStep(enc, loss, new SingleProcessCollective(), params, new BatchCollator(2),
                    8, 2, c.seed(), true).run(m, batch, 0, 1.0).gradients().toFloatArray();
            double maxRef = 0;
            double maxErr = 0;
            for (int i = 0; i < full.length; i++) {
                maxRef = Math.max(maxRef, Math.abs(full[i]));
                maxErr = Math.max(maxErr, Math.abs(cached[i] - full[i]));
            }
            assertTrue(maxRef > 1e-6, "the gradient is not zero: " + maxRef);
            assertTrue(maxErr <= 1e-5 * maxRef, "GradCache vs full batch: max error " + maxErr + " of " + maxRef);
        }
    }

    @Test
    void withDropoutKeepingTheGraphEqualsTheReForwardBitForBit() throws Exception {
        TrainConfig c = config(tmp, "\"simcse_dropout\": 0.2, \"lora_dropout\": 0.1, \"global_batch_size\": 6,"
                + " \"micro_batch_size\": 6");
        SplittableRandom rnd = new SplittableRandom(4);
        List<TrainSample> batch = pairs(rnd, 6, i -> 4 + i, i -> 10 - i); // lengths differ: padded rows and keys
        try (Llm2VecAdapterEncoder enc = TrainingWorker.load(c, TrainingWorker.options(c, 0));
             NDManager m = DjlRuntime.newManager()) {
            TrainableVector params = randomParameters(enc, rnd);
            HardNegativeNLLLoss loss = TrainingWorker.loss(c);
            GradCacheStep.Result kept = new GradCacheStep(enc, loss, new SingleProcessCollective(), params,
                    new BatchCollator(2), 6, 6, c.seed(), true).run(m, batch, 5, 0.5);
            GradCacheStep.Result reForward = new GradCacheStep(enc, loss, new SingleProcessCollective(), params,
                    new BatchCollator(2), 6, 6, c.seed(), false).run(m, batch, 5, 0.5);
            float[] expected = reForward.gradients().toFloatArray();
            assertTrue(HostGradientClipping.globalNorm(expected) > 1e-6, "the gradient is not zero");
            assertArrayEquals(expected, kept.gradients().toFloatArray(), 0f);
            assertEquals(reForward.loss(), kept.loss(), 0.0);
        }
    }
}
