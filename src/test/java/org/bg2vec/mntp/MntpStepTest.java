package org.bg2vec.mntp;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.collective.Collective;
import org.bg2vec.collective.SingleProcessCollective;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.model.EncoderOptions;
import org.bg2vec.model.LoraConfig;
import org.bg2vec.model.MistralEncoder;
import org.bg2vec.model.MistralWeights;
import org.bg2vec.djl.Tensors;
import org.bg2vec.train.HostGradientClipping;
import org.bg2vec.train.ThreadCollective;
import org.bg2vec.train.TrainableVector;
import org.bg2vec.train.data.BatchCollator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MNTP step on the tiny-mistral fixture model: two workers compute the one-worker gradient bit for bit
 * (masks, dropout and the global-batch mean do not depend on the split), and micro-batch accumulation gives the
 * gradient of the whole batch in one pass.
 */
class MntpStepTest {

    static final int GLOBAL = 8;
    static final BatchCollator COLLATOR = new BatchCollator(MaskingTest.EOS);
    static final Masking MASKING = new Masking(CollatorType.ALL_MASK, 0.4, MaskingTest.MASK, 1000,
            MaskingTest.SPECIAL);

    static Path fixture() throws Exception {
        return Paths.get(MntpStepTest.class.getResource("/fixtures/tiny-mistral/config.json").toURI()).getParent();
    }

    static MntpModel model(double dropout) throws Exception {
        DjlRuntime.engine();
        MistralEncoder enc = MistralEncoder.load(fixture(), EncoderOptions.cpu().withAttentionDropout(dropout));
        enc.newTrainableAdapter(new LoraConfig(4, 8, dropout, MistralWeights.PROJECTIONS.stream()
                .map(p -> p.substring(p.indexOf('.') + 1)).toList(), "x"), 5);
        // B = 0 at initialisation would leave A without gradient: give B values so both are exercised
        TrainableVector params = new TrainableVector(enc.trainableParameters());
        float[] v = params.values();
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] == 0 ? (float) rnd.nextDouble(-0.05, 0.05) : v[i];
        }
        params.setValues(v);
        float[] head = new float[1000 * 64];
        for (int i = 0; i < head.length; i++) {
            head[i] = (float) rnd.nextDouble(-0.2, 0.2);
        }
        return new MntpModel(enc, new LmHead(Tensors.owned(DjlRuntime.newManager(), head, new Shape(1000, 64)), true));
    }

    static MntpStep.Result step(MntpModel model, Collective c, List<int[]> global, int micro, long step) {
        TrainableVector params = new TrainableVector(model.trainableParameters());
        int n = GLOBAL / c.size();
        try (NDManager m = DjlRuntime.newManager()) {
            MntpStep.Result r = new MntpStep(model, MASKING, c, params, COLLATOR, GLOBAL, micro, 42)
                    .run(m, global.subList(c.rank() * n, (c.rank() + 1) * n), step, 1.0);
            r.gradients().detach(); // outlives the manager (the test reads it after)
            return r;
        }
    }

    @Test
    void twoWorkersComputeTheOneWorkerGradient() throws Exception {
        List<int[]> batch = MaskingTest.rows(GLOBAL, 14, 8);
        MntpStep.Result one;
        try (MntpModel model = model(0.1)) {
            one = step(model, new SingleProcessCollective(), batch, 2, 3);
        }
        List<Collective> group = ThreadCollective.group(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<MntpStep.Result> two = new ArrayList<>();
        try {
            List<Future<MntpStep.Result>> futures = new ArrayList<>();
            for (Collective c : group) {
                futures.add(pool.submit(() -> {
                    try (MntpModel model = model(0.1)) {
                        return step(model, c, batch, 2, 3);
                    }
                }));
            }
            for (Future<MntpStep.Result> f : futures) {
                two.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(HostGradientClipping.globalNorm(one.gradients().toFloatArray()) > 1e-4, "the gradient must not vanish");
        assertTrue(one.predicted() > 10, "masked positions: " + one.predicted());
        for (MntpStep.Result r : two) {
            assertArrayEquals(one.gradients().toFloatArray(), r.gradients().toFloatArray());
            assertEquals(one.predicted(), r.predicted());
            assertEquals(one.loss(), r.loss(), 1e-6 * one.loss());
            assertEquals(one.accuracy(), r.accuracy(), 1e-9);
        }
    }

    @Test
    void microBatchAccumulationEqualsTheWholeBatchGradient() throws Exception {
        List<int[]> batch = MaskingTest.rows(GLOBAL, 14, 9);
        MntpStep.Result micro;
        MntpStep.Result whole;
        try (MntpModel model = model(0)) {
            micro = step(model, new SingleProcessCollective(), batch, 2, 1);
            whole = step(model, new SingleProcessCollective(), batch, GLOBAL, 1);
        }
        float[] wholeGradients = whole.gradients().toFloatArray();
        float[] microGradients = micro.gradients().toFloatArray();
        double norm = HostGradientClipping.globalNorm(wholeGradients);
        assertTrue(norm > 1e-4);
        for (int i = 0; i < wholeGradients.length; i++) {
            assertEquals(wholeGradients[i], microGradients[i], 1e-5 * norm, "entry " + i);
        }
        assertEquals(whole.loss(), micro.loss(), 1e-5 * whole.loss());
    }
}
