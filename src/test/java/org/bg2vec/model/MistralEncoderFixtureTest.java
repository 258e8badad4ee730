package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.bg2vec.djl.Autograd;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.tokenize.TokenizedBatch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.bg2vec.model.TinyMistralFixture.assertClose;
import static org.bg2vec.model.TinyMistralFixture.assertGradClose;
import static org.bg2vec.model.TinyMistralFixture.batch;
import static org.bg2vec.model.TinyMistralFixture.expected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every expected tensor of the tiny-mistral fixture (a–f), within the README's float32 tolerances. */
class MistralEncoderFixtureTest {

    private static final Path DIR = TinyMistralFixture.dir();

    private static MistralEncoder load(boolean causal) throws Exception {
        DjlRuntime.engine();
        return MistralEncoder.load(DIR, EncoderOptions.cpu().withCausal(causal));
    }

    @Test
    void ropeTablesMatchTransformers() throws Exception {
        try (MistralEncoder enc = load(false); NDManager m = DjlRuntime.newManager()) {
            NDArray[] rope = enc.ropeTables(m, 7);
            assertClose("debug.rope_cos", expected("debug.rope_cos"), rope[0].toFloatArray());
            assertClose("debug.rope_sin", expected("debug.rope_sin"), rope[1].toFloatArray());
        }
    }

    @Test
    void a_bidirectionalHiddenStatesAndAttentions() throws Exception {
        try (MistralEncoder enc = load(false); NDManager m = DjlRuntime.newManager()) {
            ForwardTrace trace = new ForwardTrace();
            NDArray last = enc.lastHiddenState(m, batch("q_batch"), false, 0, trace);
            assertEquals(new ai.djl.ndarray.types.Shape(3, 7, 64), last.getShape());
            assertClose("a.bidir.last_hidden_state", expected("a.bidir.last_hidden_state"), last.toFloatArray());
            assertClose("a.bidir.hidden_states.0_embeddings", expected("a.bidir.hidden_states.0_embeddings"),
                    trace.hiddenStates().get(0).toFloatArray());
            assertClose("a.bidir.hidden_states.1_after_layer0", expected("a.bidir.hidden_states.1_after_layer0"),
                    trace.hiddenStates().get(1).toFloatArray());
            assertClose("a.bidir.attentions.0", expected("a.bidir.attentions.0"),
                    trace.attentions().get(0).toFloatArray());
            assertClose("a.bidir.attentions.1", expected("a.bidir.attentions.1"),
                    trace.attentions().get(1).toFloatArray());
        }
    }

    @Test
    void b_causalMatchesOnRealTokensAndDiffersFromBidirectional() throws Exception {
        TokenizedBatch q = batch("q_batch");
        try (MistralEncoder causal = load(true); MistralEncoder bidir = load(false);
             NDManager m = DjlRuntime.newManager()) {
            float[] c = causal.lastHiddenState(m, q, false, 0, null).toFloatArray();
            float[] b = bidir.lastHiddenState(m, q, false, 0, null).toFloatArray();
            double[] ref = expected("b.causal.last_hidden_state");
            int h = 64;
            int realRows = 0;
            double maxDiff = 0;
            for (int pos = 0; pos < q.batchSize() * q.length(); pos++) {
                if (q.attentionMask()[pos] == 0) {
                    continue;
                }
                realRows++;
                double[] r = java.util.Arrays.copyOfRange(ref, pos * h, pos * h + h);
                float[] a = java.util.Arrays.copyOfRange(c, pos * h, pos * h + h);
                assertClose("b.causal.last_hidden_state row " + pos, r, a);
                for (int k = 0; k < h; k++) {
                    maxDiff = Math.max(maxDiff, Math.abs(b[pos * h + k] - c[pos * h + k]));
                }
            }
            assertEquals(15, realRows);
            // the README measures up to 2.66 between (a) and (b) on real tokens
            assertTrue(maxDiff > 0.5, "bidirectional and causal outputs should differ, max diff " + maxDiff);
        }
    }

    @Test
    void c_d_e_mergedMntpPoolingAndLoss() throws Exception {
        try (MistralEncoder enc = load(false); NDManager m = DjlRuntime.newManager()) {
            enc.mergeAdapter(DIR.resolve("mntp-adapter"));
            TokenizedBatch q = batch("q_batch");
            TokenizedBatch d = batch("d_batch");
            assertClose("c.mntp_bidir.last_hidden_state", expected("c.mntp_bidir.last_hidden_state"),
                    enc.lastHiddenState(m, q, false, 0, null).toFloatArray());
            NDArray qReps = enc.embed(m, q, false, 0);
            assertClose("d.pooled_mean", expected("d.pooled_mean"), qReps.toFloatArray());
            assertClose("e.q_reps", expected("e.q_reps"), qReps.toFloatArray());
            assertClose("d.pooled_mean_incl_bos", expected("d.pooled_mean_incl_bos"),
                    enc.embed(m, batch("q_batch", true), false, 0).toFloatArray());
            assertClose("e.d_batch.last_hidden_state", expected("e.d_batch.last_hidden_state"),
                    enc.lastHiddenState(m, d, false, 0, null).toFloatArray());
            NDArray dReps = enc.embed(m, d, false, 0);
            assertClose("e.d_reps_pos", expected("e.d_reps_pos"), dReps.toFloatArray());
            HardNegativeNLLLoss loss = new HardNegativeNLLLoss(20f);
            assertClose("e.scores", expected("e.scores"), loss.scores(qReps, dReps).toFloatArray());
            double l = loss.loss(qReps, dReps, null).getFloat();
            assertEquals(expected("e.loss")[0], l, 1e-5, "e.loss");
        }
    }

    @Test
    void f_gradientsThroughNewAdapter() throws Exception {
        try (MistralEncoder enc = load(false); NDManager m = DjlRuntime.newManager()) {
            enc.mergeAdapter(DIR.resolve("mntp-adapter"));
            enc.loadTrainableAdapter(DIR.resolve("new-adapter"));
            assertEquals(28, enc.trainableParameters().size());
            HardNegativeNLLLoss loss = new HardNegativeNLLLoss(20f);
            try (Autograd.Scope g = Autograd.gradMode(true); NDManager step = m.newSubManager()) {
                NDArray qReps = enc.embed(step, batch("q_batch"), true, 7);
                NDArray dReps = enc.embed(step, batch("d_batch"), true, 8);
                assertClose("f.q_reps", expected("f.q_reps"), qReps.toFloatArray());
                assertClose("f.d_reps_pos", expected("f.d_reps_pos"), dReps.toFloatArray());
                NDArray value = loss.loss(qReps, dReps, null);
                assertEquals(expected("f.loss")[0], value.getFloat(), 1e-5, "f.loss");
                Autograd.backward(value, step.ones(value.getShape()));
            }
            for (NamedParameter p : enc.trainableParameters()) {
                assertGradClose(p.name(), expected("f.grad." + p.name()), Autograd.gradient(p.array()).toFloatArray());
            }
        }
    }
}
