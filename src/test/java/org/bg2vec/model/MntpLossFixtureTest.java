package org.bg2vec.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.djl.Tensors;
import org.bg2vec.mntp.LmHead;
import org.bg2vec.mntp.Masking;
import org.bg2vec.mntp.MntpModel;
import org.bg2vec.tokenize.TokenizedBatch;
import org.bg2vec.train.TrainableVector;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.bg2vec.model.TinyMistralFixture.batch;
import static org.bg2vec.model.TinyMistralFixture.expected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MNTP model on the tiny-mistral fixture with its MNTP adapter as the trainable LoRA (PEFT keys
 * {@code base_model.model.layers.N...}): the loss against a float64 computation in this test from the
 * fixture's verified hidden states ({@code c.mntp_bidir.last_hidden_state}) and a known LM head; the gradients
 * of LoRA and head against central finite differences; per-layer recomputation against none.
 */
class MntpLossFixtureTest {

    private static final Path DIR = TinyMistralFixture.dir();
    private static final int VOCAB = 1000;
    private static final int HIDDEN = 64;

    /** A known LM head: uniform in ±0.3 from a fixed seed. */
    static float[] knownHead() {
        SplittableRandom rnd = new SplittableRandom(17);
        float[] w = new float[VOCAB * HIDDEN];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextDouble(-0.3, 0.3);
        }
        return w;
    }

    /** q_batch unchanged, labelled at every real token after BOS (so every predecessor is a real token). */
    static Masking.MaskedBatch labelledBatch() throws Exception {
        TokenizedBatch b = batch("q_batch");
        long[] labels = new long[b.inputIds().length];
        Arrays.fill(labels, Masking.IGNORE);
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (b.attentionMask()[i] == 1 && b.inputIds()[i] != 1) {
                labels[i] = b.inputIds()[i];
                n++;
            }
        }
        return new Masking.MaskedBatch(b, labels, n);
    }

    static MntpModel model(EncoderOptions options, boolean fixtureAdapter, boolean trainHead) throws Exception {
        DjlRuntime.engine();
        MistralEncoder enc = MistralEncoder.load(DIR, options);
        if (fixtureAdapter) {
            enc.loadTrainableAdapter(DIR.resolve("mntp-adapter"));
        } else {
            enc.newTrainableAdapter(new LoraConfig(4, 8, 0.1, MistralWeights.PROJECTIONS.stream()
                    .map(p -> p.substring(p.indexOf('.') + 1)).toList(), "x"), 5);
        }
        NDManager headManager = DjlRuntime.newManager();
        return new MntpModel(enc, new LmHead(Tensors.owned(headManager, knownHead(), new Shape(VOCAB, HIDDEN)),
                trainHead));
    }

    @Test
    void lossIsTheNextTokenCrossEntropyOfTheVerifiedHiddenStates() throws Exception {
        Masking.MaskedBatch b = labelledBatch();
        double[] hidden = expected("c.mntp_bidir.last_hidden_state");
        float[] w = knownHead();
        int len = b.inputs().length();
        double expectedSum = 0;
        int expectedCorrect = 0;
        int positions = 0;
        for (int r = 0; r < b.inputs().batchSize(); r++) {
            for (int t = 0; t + 1 < len; t++) {
                long label = b.labels()[r * len + t + 1];
                if (label == Masking.IGNORE) {
                    continue;
                }
                double[] logits = new double[VOCAB];
                double max = Double.NEGATIVE_INFINITY;
                int best = 0;
                for (int v = 0; v < VOCAB; v++) {
                    for (int h = 0; h < HIDDEN; h++) {
                        logits[v] += hidden[(r * len + t) * HIDDEN + h] * w[v * HIDDEN + h];
                    }
                    if (logits[v] > max) {
                        max = logits[v];
                        best = v;
                    }
                }
                double z = 0;
                for (double l : logits) {
                    z += Math.exp(l - max);
                }
                expectedSum += max + Math.log(z) - logits[(int) label];
                expectedCorrect += best == label ? 1 : 0;
                positions++;
            }
        }
        assertEquals(b.labelled(), positions, "every label has a predecessor in its row");
        try (MntpModel model = model(EncoderOptions.cpu(), true, true); NDManager m = DjlRuntime.newManager()) {
            MntpModel.Stats s = model.evaluate(m, b, false, 0);
            assertEquals(positions, s.count());
            assertEquals(expectedSum, s.lossSum(), 1e-5 * Math.abs(expectedSum));
            assertEquals(expectedCorrect, s.correct());
        }
    }

    @Test
    void gradientsOfLoraAndHeadMatchFiniteDifferences() throws Exception {
        Masking.MaskedBatch b = labelledBatch();
        try (MntpModel model = model(EncoderOptions.cpu(), true, true); NDManager m = DjlRuntime.newManager()) {
            TrainableVector params = new TrainableVector(model.trainableParameters());
            assertEquals("lm_head.weight", params.parameters().get(params.parameters().size() - 1).name());
            assertTrue(params.parameters().get(0).name().startsWith("base_model.model.layers.0."));
            params.zeroGradients();
            model.backward(m, b, 0, 1f);
            float[] g = params.gradients();
            params.zeroGradients();
            float[] x = params.values();
            int headFrom = params.offset(params.parameters().size() - 1);
            // the largest entries of the LoRA part and of the head
            int[] lora = largest(g, 0, headFrom, 6);
            int[] head = largest(g, headFrom, g.length, 4);
            double eps = 2e-3;
            for (int i : IntStream.concat(Arrays.stream(lora), Arrays.stream(head)).toArray()) {
                float keep = x[i];
                x[i] = (float) (keep + eps);
                params.setValues(x);
                double up = model.evaluate(m, b, false, 0).lossSum();
                x[i] = (float) (keep - eps);
                params.setValues(x);
                double down = model.evaluate(m, b, false, 0).lossSum();
                x[i] = keep;
                double fd = (up - down) / (((float) (keep + eps)) - ((float) (keep - eps)));
                assertEquals(fd, g[i], 0.02 * Math.abs(fd) + 2e-3, "entry " + i + " of " + name(params, i));
            }
            params.setValues(x);
        }
    }

    private static String name(TrainableVector params, int i) {
        int k = 0;
        while (k + 1 < params.parameters().size() && params.offset(k + 1) <= i) {
            k++;
        }
        return params.parameters().get(k).name();
    }

    private static int[] largest(float[] g, int from, int to, int n) {
        return IntStream.range(from, to).boxed().sorted(Comparator.comparingDouble(i -> -Math.abs(g[i])))
                .limit(n).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void recomputationGivesTheSameGradients() throws Exception {
        Masking.MaskedBatch b = labelledBatch();
        float[][] grads = new float[2][];
        for (int k = 0; k < 2; k++) {
            EncoderOptions options = EncoderOptions.cpu().withAttentionDropout(0.1).withRecomputeLayers(k == 1);
            try (MntpModel model = model(options, false, true); NDManager m = DjlRuntime.newManager()) {
                TrainableVector params = new TrainableVector(model.trainableParameters());
                params.zeroGradients();
                model.backward(m, b, 99, 0.5f);
                grads[k] = params.gradients();
            }
        }
        assertTrue(Arrays.stream(box(grads[0])).anyMatch(v -> v != 0), "gradients must not vanish");
        assertArrayEquals(grads[0], grads[1]);
    }

    @Test
    void aFrozenHeadIsNoParameterAndLeavesTheLoraGradientsAsTheyAre() throws Exception {
        Masking.MaskedBatch b = labelledBatch();
        float[][] lora = new float[2][];
        for (int k = 0; k < 2; k++) {
            boolean trainHead = k == 0;
            try (MntpModel model = model(EncoderOptions.cpu(), true, trainHead); NDManager m = DjlRuntime.newManager()) {
                TrainableVector params = new TrainableVector(model.trainableParameters());
                assertEquals(trainHead, params.parameters().stream().anyMatch(p -> p.name().equals(LmHead.NAME)));
                params.zeroGradients();
                model.backward(m, b, 0, 1f);
                int loraSize = trainHead ? params.offset(params.parameters().size() - 1) : params.size();
                lora[k] = Arrays.copyOf(params.gradients(), loraSize);
            }
        }
        assertArrayEquals(lora[0], lora[1]);
    }

    private static Float[] box(float[] a) {
        Float[] out = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
