package org.bg2vec.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer's view of the loss: d = [positives; hard negatives] splits at q's row count. */
class HardNegativeNLLLossSplitTest {

    @Test
    void extraRowsOfDAreHardNegatives() {
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray q = m.create(new float[]{1, 2, 0, 0, 1, -1}, new Shape(2, 3));
            NDArray pos = m.create(new float[]{1, 1, 0, 0, 2, -1}, new Shape(2, 3));
            NDArray neg = m.create(new float[]{3, 0, 1, -1, 1, 1}, new Shape(2, 3));
            HardNegativeNLLLoss loss = new HardNegativeNLLLoss(20f);
            float withNegatives = loss.loss(q, pos.concat(neg, 0)).getFloat();
            assertEquals(new HardNegativeNLLLoss(20f).loss(q, pos, neg).getFloat(), withNegatives, 0f);
            float without = loss.loss(q, pos).getFloat();
            assertEquals(new HardNegativeNLLLoss(20f).loss(q, pos, null).getFloat(), without, 0f);
            assertTrue(withNegatives > without, "more candidates, higher loss");
            assertThrows(IllegalArgumentException.class, () -> loss.loss(q, pos.get("0:1")));
        }
    }
}
