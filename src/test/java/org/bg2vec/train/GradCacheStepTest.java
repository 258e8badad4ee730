package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import org.bg2vec.collective.SingleProcessCollective;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.djl.Autograd;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.model.ForwardingEncoder;
import org.bg2vec.model.TrainableEncoder;
import org.bg2vec.tokenize.TokenizedBatch;
import org.bg2vec.train.data.BatchCollator;
import org.bg2vec.train.data.TestShards;
import org.bg2vec.train.data.TrainSample;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradCacheStepTest {

    static final int VOCAB = 50;
    static final BatchCollator COLLATOR = new BatchCollator(2);

    static List<TrainSample> samples(int n, long seed) {
        List<TrainSample> out = new ArrayList<>();
        List<int[]> ids = TestShards.randomSamples(n, VOCAB, 12, seed);
        for (int i = 0; i < n; i++) {
            out.add(new TrainSample(i, ids.get(i), ids.get(i)));
        }
        return out;
    }

    /** Plain autograd over the whole batch at once: embed both views, loss, backward. */
    static float[] fullBatchGradient(TrainableEncoder enc, List<TrainSample> batch, HardNegativeNLLLoss loss) {
        TrainableVector params = new TrainableVector(enc.trainableParameters());
        params.zeroGradients();
        try (NDManager m = DjlRuntime.newManager(); Autograd.Scope on = Autograd.gradMode(true)) {
            TokenizedBatch q = COLLATOR.collate(batch.stream().map(TrainSample::queryIds).toList());
            TokenizedBatch d = COLLATOR.collate(batch.stream().map(TrainSample::positiveIds).toList());
            NDArray l = loss.loss(enc.embed(m, q, false, 0), enc.embed(m, d, false, 0));
            Autograd.backward(l, m.ones(l.getShape()));
        }
        float[] g = params.gradients();
        params.zeroGradients();
        return g;
    }

    @Test
    void withoutDropoutGradCacheGradientEqualsFullBatchGradient() {
        HardNegativeNLLLoss loss = new HardNegativeNLLLoss(20f);
        List<TrainSample> batch = samples(16, 7);
        try (ToyEncoder enc = new ToyEncoder(VOCAB, 8, 6, 0f, 11); NDManager m = DjlRuntime.newManager()) {
            TrainableVector params = new TrainableVector(enc.trainableParameters());
            float[] expected = fullBatchGradient(enc, batch, loss);
            GradCacheStep step = new GradCacheStep(enc, loss, new SingleProcessCollective(), params, COLLATOR, 16, 4, 42, true);
            float[] actual = step.run(m, batch, 0, 1.0).gradients().toFloatArray();
            double norm = HostGradientClipping.globalNorm(expected);
            assertTrue(norm > 1e-3, "the full-batch gradient must not vanish: " + norm);
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-6 * norm + 1e-7, "gradient entry " + i);
            }
        }
    }

    /** Records every embedding the trainer asks for, with the dropout key and the grad mode. */
    static final class Recording extends ForwardingEncoder {
        final Map<Long, List<float[]>> byKey = new HashMap<>();
        final Map<Long, List<Boolean>> gradModes = new HashMap<>();

        Recording(TrainableEncoder inner) {
            super(inner);
        }

        @Override
        public NDArray embed(NDManager manager, TokenizedBatch batch, boolean training, long seed) {
            NDArray e = inner.embed(manager, batch, training, seed);
            byKey.computeIfAbsent(seed, k -> new ArrayList<>()).add(e.toFloatArray());
            gradModes.computeIfAbsent(seed, k -> new ArrayList<>()).add(JniUtils.isGradMode());
            return e;
        }
    }

    @Test
    void withDropoutTheReForwardReproducesTheFirstPassBitForBit() {
        List<TrainSample> batch = samples(16, 8);
        try (Recording enc = new Recording(new ToyEncoder(VOCAB, 8, 6, 0.3f, 12)); NDManager m = DjlRuntime.newManager()) {
            TrainableVector params = new TrainableVector(enc.trainableParameters());
            GradCacheStep step = new GradCacheStep(enc, new HardNegativeNLLLoss(20f), new SingleProcessCollective(), params,
                    COLLATOR, 16, 4, 42, true);
            step.run(m, batch, 3, 1.0);
            // 4 micro-batches × 2 views, each with its own key, each embedded twice: no grad, then grad
            assertEquals(8, enc.byKey.size());
            for (Map.Entry<Long, List<float[]>> e : enc.byKey.entrySet()) {
                assertEquals(2, e.getValue().size());
                assertEquals(List.of(false, true), enc.gradModes.get(e.getKey()));
                assertArrayEquals(e.getValue().get(0), e.getValue().get(1), 0f, "re-forward differs for key " + e.getKey());
            }
            // dropout is really active: the two views of the same text (different keys) differ
            long q0 = DropoutSeeds.of(42, 3, 0, DropoutSeeds.QUERY);
            long p0 = DropoutSeeds.of(42, 3, 0, DropoutSeeds.POSITIVE);
            assertFalse(java.util.Arrays.equals(enc.byKey.get(q0).get(0), enc.byKey.get(p0).get(0)));
        }
    }
}
