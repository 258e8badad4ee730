package org.bg2vec.mntp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The next-token shift: position t predicts the label at t+1, within a row only. */
class MntpLossTest {

    @Test
    void positionsPredictTheNextLabelOfTheirRow() {
        long x = Masking.IGNORE;
        // row 0: labels at 1 and 3; row 1: labels at 0 (no predecessor in the row) and 2
        long[] labels = {x, 11, x, 13, 20, x, 22, x};
        MntpLoss.Positions p = MntpLoss.shifted(labels, 2, 4);
        assertArrayEquals(new long[]{0, 2, 5}, p.rows());
        assertArrayEquals(new long[]{11, 13, 22}, p.targets());
    }
}
