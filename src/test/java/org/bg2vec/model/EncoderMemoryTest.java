package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.bg2vec.djl.Autograd;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.tokenize.TokenizedBatch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Per-forward tensors live in sub-managers: 200 forwards leave no array behind. */
class EncoderMemoryTest {

    @Test
    void twoHundredForwardsDoNotGrowTheManagers() throws Exception {
        DjlRuntime.engine();
        TokenizedBatch q = TinyMistralFixture.batch("q_batch");
        TokenizedBatch d = TinyMistralFixture.batch("d_batch");
        try (MistralEncoder enc = MistralEncoder.load(TinyMistralFixture.dir(),
                EncoderOptions.cpu().withAttentionDropout(0.1));
             NDManager m = DjlRuntime.newManager()) {
            enc.newTrainableAdapter(new LoraConfig(4, 8, 0.1, java.util.List.of("q_proj", "up_proj"), "x"), 1);
            NDManager model = enc.weights().get("norm.weight").getManager();
            int modelBefore = model.getManagedArrays().size();
            int before = m.getManagedArrays().size();
            HardNegativeNLLLoss loss = new HardNegativeNLLLoss();
            for (int i = 0; i < 200; i++) {
                boolean train = i % 4 == 0;
                try (Autograd.Scope g = Autograd.gradMode(train); NDManager step = m.newSubManager()) {
                    NDArray a = enc.embed(step, i % 2 == 0 ? q : d, train, i);
                    if (train) {
                        NDArray l = loss.loss(a, a.flip(0), null);
                        Autograd.backward(l, step.ones(l.getShape()));
                    }
                }
                if (i == 0) {
                    // the first backward creates the .grad of each parameter once
                    modelBefore = model.getManagedArrays().size();
                }
            }
            assertEquals(before, m.getManagedArrays().size(), "caller's manager");
            assertEquals(modelBefore, model.getManagedArrays().size(), "model manager");
        }
    }
}
