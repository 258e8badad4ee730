package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.bg2vec.djl.Autograd;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU configuration (float16 frozen base, float32 LoRA, float32 norms/softmax/pooling) run on the CPU:
 * close to the float32 reference at half-precision accuracy, with float32 gradients on the adapter.
 */
class Float16ComputeTest {

    private static double relMax(double[] ref, float[] x) {
        double maxRef = 0;
        double maxErr = 0;
        for (int i = 0; i < ref.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
            maxErr = Math.max(maxErr, Math.abs(ref[i] - x[i]));
        }
        return maxErr / maxRef;
    }

    @Test
    void float16BaseMatchesTheReferenceToHalfPrecision() throws Exception {
        DjlRuntime.engine();
        try (MistralEncoder enc = MistralEncoder.load(TinyMistralFixture.dir(),
                EncoderOptions.cpu().withComputeType(DataType.FLOAT16)); NDManager m = DjlRuntime.newManager()) {
            assertEquals(DataType.FLOAT16, enc.weights().get("layers.0.mlp.up_proj.weight").getDataType());
            NDArray last = enc.lastHiddenState(m, TinyMistralFixture.batch("q_batch"), false, 0, null);
            assertEquals(DataType.FLOAT16, last.getDataType());
            double err = relMax(TinyMistralFixture.expected("a.bidir.last_hidden_state"),
                    last.toType(DataType.FLOAT32, false).toFloatArray());
            assertTrue(err < 5e-3, "fp16 error relative to max " + err);

            enc.mergeAdapter(TinyMistralFixture.dir().resolve("mntp-adapter"));
            enc.loadTrainableAdapter(TinyMistralFixture.dir().resolve("new-adapter"));
            try (Autograd.Scope g = Autograd.gradMode(true); NDManager step = m.newSubManager()) {
                NDArray q = enc.embed(step, TinyMistralFixture.batch("q_batch"), true, 1);
                NDArray d = enc.embed(step, TinyMistralFixture.batch("d_batch"), true, 2);
                assertEquals(DataType.FLOAT32, q.getDataType());
                assertTrue(relMax(TinyMistralFixture.expected("f.q_reps"), q.toFloatArray()) < 5e-3);
                NDArray loss = new HardNegativeNLLLoss().loss(q, d, null);
                assertEquals(TinyMistralFixture.expected("f.loss")[0], loss.getFloat(), 2e-2);
                Autograd.backward(loss, step.ones(loss.getShape()));
            }
            for (NamedParameter p : enc.trainableParameters()) {
                NDArray grad = Autograd.gradient(p.array());
                assertEquals(DataType.FLOAT32, grad.getDataType());
                double err2 = relMax(TinyMistralFixture.expected("f.grad." + p.name()), grad.toFloatArray());
                assertTrue(err2 < 5e-2, p.name() + " fp16 gradient error " + err2);
            }
        }
    }
}
