package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.bg2vec.collective.SingleProcessCollective;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.djl.Autograd;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.model.ForwardingEncoder;
import org.bg2vec.model.TrainableEncoder;
import org.bg2vec.tokenize.TokenizedBatch;
import org.bg2vec.train.data.BatchCollator;
import org.bg2vec.train.data.TrainSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Garbage collection between the recorded forward and the backward must not change gradients: every
 * tensor autograd reads in backward must be owned by libtorch, not by a collectable Java buffer.
 * The wrapped encoder forces collections (and churns native memory) right after each recorded
 * forward, where a freed Java-backed tensor would be overwritten before backward reads it.
 */
class GcDuringBackwardTest {

    @TempDir
    Path tmp;

    /** Delegates, and after a recorded forward collects garbage and allocates over freed memory. */
    private static final class Collecting extends ForwardingEncoder {
        Collecting(TrainableEncoder inner) {
            super(inner);
        }

        @Override
        public NDArray embed(NDManager manager, TokenizedBatch batch, boolean training, long dropoutSeed) {
            NDArray e = inner.embed(manager, batch, training, dropoutSeed);
            if (Autograd.isRecording()) {
                for (int i = 0; i < 3; i++) {
                    System.gc();
                    try {
                        Thread.sleep(20); // the Cleaner thread frees collected direct buffers
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                    try (NDManager junk = manager.newSubManager()) {
                        for (int k = 0; k < 64; k++) {
                            float[] noise = new float[1024 + k * 64];
                            java.util.Arrays.fill(noise, 1e30f);
                            junk.create(noise); // Java direct buffers of many sizes reuse freed blocks
                        }
                    }
                }
            }
            return e;
        }
    }

    @Test
    void gradientsDoNotDependOnGarbageCollection() throws Exception {
        TrainConfig c = RealModelGradCacheTest.config(tmp, "\"simcse_dropout\": 0.3, \"global_batch_size\": 4,"
                + " \"micro_batch_size\": 2");
        SplittableRandom rnd = new SplittableRandom(11);
        List<TrainSample> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int[] ids = rnd.ints(4 + i, 3, 300).toArray();
            ids[0] = 1;
            batch.add(new TrainSample(i, ids, ids));
        }
        try (Llm2VecAdapterEncoder enc = TrainingWorker.load(c, TrainingWorker.options(c, 0));
             NDManager m = DjlRuntime.newManager()) {
            TrainableVector params = RealModelGradCacheTest.randomParameters(enc, rnd);
            HardNegativeNLLLoss loss = TrainingWorker.loss(c);
            float[] calm = new GradCacheStep(enc, loss, new SingleProcessCollective(), params, new BatchCollator(2),
                    4, 2, 42, true).run(m, batch, 0, 1.0).gradients().toFloatArray();
            float[] collected = new GradCacheStep(new Collecting(enc), loss, new SingleProcessCollective(), params,
                    new BatchCollator(2), 4, 2, 42, true).run(m, batch, 0, 1.0).gradients().toFloatArray();
            assertArrayEquals(calm, collected, 0f);
        }
    }
}
