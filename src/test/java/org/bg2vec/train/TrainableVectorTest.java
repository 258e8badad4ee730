package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.djl.Autograd;
import org.bg2vec.model.NamedParameter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TrainableVectorTest {

    @Test
    void writesValuesInPlaceSoThatViewsAndGradientsStayValid() {
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray a = m.create(new float[]{1, 2, 3, 4}, new Shape(2, 2));
            NDArray b = m.create(new float[]{5});
            Autograd.requireGrad(a);
            Autograd.requireGrad(b);
            NDArray view = a.reshape(4); // shares a's storage
            TrainableVector v = new TrainableVector(List.of(new NamedParameter("a", a), new NamedParameter("b", b)));
            assertEquals(5, v.size());
            v.setValues(new float[]{-1, -2, -3, -4, 9});
            assertArrayEquals(new float[]{-1, -2, -3, -4, 9}, v.values(), 0f);
            assertArrayEquals(new float[]{-1, -2, -3, -4}, view.toFloatArray(), 0f, "the update is visible through views");
            // still a trainable leaf: gradients accumulate as before
            try (NDManager s = m.newSubManager(); Autograd.Scope on = Autograd.gradMode(true)) {
                NDArray y = a.mul(a).sum().add(b.mul(3).sum());
                Autograd.backward(y, s.ones(y.getShape()));
            }
            assertArrayEquals(new float[]{-2, -4, -6, -8, 3}, v.gradients(), 0f);
            v.zeroGradients();
            assertArrayEquals(new float[5], v.gradients(), 0f);
        }
    }
}
