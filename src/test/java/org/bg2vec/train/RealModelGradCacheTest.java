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

    @Test
    void withoutDropoutGradCacheEqualsTheFullBatchGradient() throws Exception {
        Path model = RealModelFixtures.model(tmp.resolve("model"), ModelPreset.TINY);
        TrainConfig c = TrainConfig.parse("{\"model_name_or_path\": \"" + model + "\", \"output_dir\": \"" + tmp
                + "\", \"bidirectional\": true, \"simcse_dropout\": 0, \"lora_dropout\": 0, \"lora_r\": 4,"
                + " \"loss_scale\": 20, \"global_batch_size\": 8, \"micro_batch_size\": 2}");
        // one length: positions run over the padded row, so padding to another length changes embeddings
        SplittableRandom rnd = new SplittableRandom(3);
        List<TrainSample> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int[] q = rnd.ints(9, 3, 200).toArray();
            int[] d = rnd.ints(9, 3, 200).toArray();
            q[0] = 1;
            d[0] = 1;
            batch.add(new TrainSample(i, q, d));
        }
        try (Llm2VecAdapterEncoder enc = TrainingWorker.load(c, TrainingWorker.options(c, 0));
             NDManager m = DjlRuntime.newManager()) {
            TrainableVector params = new TrainableVector(enc.trainableParameters());
            float[] values = new float[params.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) rnd.nextDouble(-0.05, 0.05); // B != 0, so A gets a gradient too
            }
            params.setValues(values);
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
        Path model = RealModelFixtures.model(tmp.resolve("model"), ModelPreset.TINY);
        TrainConfig c = TrainConfig.parse("{\"model_name_or_path\": \"" + model + "\", \"output_dir\": \"" + tmp
                + "\", \"bidirectional\": true, \"simcse_dropout\": 0.2, \"lora_dropout\": 0.1, \"lora_r\": 4,"
                + " \"loss_scale\": 20, \"global_batch_size\": 6, \"micro_batch_size\": 6}");
        SplittableRandom rnd = new SplittableRandom(4);
        List<TrainSample> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int[] q = rnd.ints(4 + i, 3, 200).toArray(); // lengths differ: padded rows and keys
            int[] d = rnd.ints(10 - i, 3, 200).toArray();
            q[0] = 1;
            d[0] = 1;
            batch.add(new TrainSample(i, q, d));
        }
        try (Llm2VecAdapterEncoder enc = TrainingWorker.load(c, TrainingWorker.options(c, 0));
             NDManager m = DjlRuntime.newManager()) {
            TrainableVector params = new TrainableVector(enc.trainableParameters());
            float[] values = new float[params.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) rnd.nextDouble(-0.05, 0.05);
            }
            params.setValues(values);
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
