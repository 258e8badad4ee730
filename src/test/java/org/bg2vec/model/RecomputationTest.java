package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.bg2vec.djl.Autograd;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.tokenize.TokenizedBatch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.bg2vec.model.TinyMistralFixture.assertGradClose;
import static org.bg2vec.model.TinyMistralFixture.batch;
import static org.bg2vec.model.TinyMistralFixture.expected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-layer recomputation ({@link EncoderOptions#recomputeLayers()}) gives the gradients of the whole-graph
 * backward: the tiny-mistral fixture's reference gradients (f) within its tolerance, and bit for bit the same
 * float arrays as without recomputation, in float32 and float16, with attention and LoRA dropout.
 */
class RecomputationTest {

    private static final Path DIR = TinyMistralFixture.dir();

    /**
     * The LoRA gradients of the fixture's loss over (q, d) the GradCache way: embeddings without grad, the
     * loss gradient w.r.t. them, then {@link MistralEncoder#backwardFromEmbeddings} for each view.
     */
    private static List<float[]> gradients(EncoderOptions options, String newAdapter, double loraDropout)
            throws Exception {
        DjlRuntime.engine();
        try (MistralEncoder enc = MistralEncoder.load(DIR, options); NDManager m = DjlRuntime.newManager()) {
            enc.mergeAdapter(DIR.resolve("mntp-adapter"));
            if (newAdapter != null) {
                enc.loadTrainableAdapter(DIR.resolve(newAdapter));
            } else {
                enc.newTrainableAdapter(new LoraConfig(4, 8, loraDropout, MistralWeights.PROJECTIONS.stream()
                        .map(p -> p.substring(p.indexOf('.') + 1)).toList(), "x"), 3);
            }
            TokenizedBatch[] views = {batch("q_batch"), batch("d_batch")};
            long[] seeds = {7, 8};
            NDArray[] reps = new NDArray[2];
            try (Autograd.Scope off = Autograd.gradMode(false)) {
                for (int v = 0; v < 2; v++) {
                    reps[v] = enc.embed(m, views[v], true, seeds[v]);
                }
            }
            try (Autograd.Scope on = Autograd.gradMode(true); NDManager step = m.newSubManager()) {
                NDArray q = reps[0].duplicate();
                NDArray d = reps[1].duplicate();
                Autograd.requireGrad(q);
                Autograd.requireGrad(d);
                NDArray loss = new HardNegativeNLLLoss(20f).loss(q, d, null);
                Autograd.backward(loss, step.ones(loss.getShape()));
                reps[0] = Autograd.gradient(q).duplicate();
                reps[1] = Autograd.gradient(d).duplicate();
            }
            for (int v = 0; v < 2; v++) {
                try (NDManager step = m.newSubManager()) {
                    enc.backwardFromEmbeddings(step, views[v], seeds[v], reps[v]);
                }
            }
            List<float[]> out = new ArrayList<>();
            for (NamedParameter p : enc.trainableParameters()) {
                out.add(Autograd.gradient(p.array()).toType(DataType.FLOAT32, false).toFloatArray());
            }
            return out;
        }
    }

    @Test
    void recomputedGradientsMatchTheFixtureAndTheWholeGraphBitForBit() throws Exception {
        EncoderOptions plain = EncoderOptions.cpu();
        List<float[]> whole = gradients(plain, "new-adapter", 0);
        List<float[]> recomputed = gradients(plain.withRecomputeLayers(true), "new-adapter", 0);
        assertEquals(28, recomputed.size());
        int i = 0;
        try (MistralEncoder names = MistralEncoder.load(DIR, plain)) {
            names.loadTrainableAdapter(DIR.resolve("new-adapter"));
            for (NamedParameter p : names.trainableParameters()) {
                assertGradClose(p.name(), expected("f.grad." + p.name()), recomputed.get(i));
                assertArrayEquals(whole.get(i), recomputed.get(i), 0f, p.name());
                i++;
            }
        }
    }

    @Test
    void withDropoutInFloat32AndFloat16TheGradientsAreBitIdentical() throws Exception {
        for (DataType type : new DataType[]{DataType.FLOAT32, DataType.FLOAT16}) {
            EncoderOptions o = EncoderOptions.cpu().withComputeType(type).withAttentionDropout(0.3);
            List<float[]> whole = gradients(o, null, 0.1);
            List<float[]> recomputed = gradients(o.withRecomputeLayers(true), null, 0.1);
            boolean moved = false;
            for (int i = 0; i < whole.size(); i++) {
                assertArrayEquals(whole.get(i), recomputed.get(i), 0f, type + " parameter " + i);
                for (float g : whole.get(i)) {
                    moved |= g != 0f;
                }
            }
            assertTrue(moved, "non-zero gradients");
        }
    }
}
