package org.bg2vec.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AlignmentUniformityTest {

    @Test
    void alignmentByHand() {
        // pairs ((1,0),(1,0)): distance^2 0; ((0,1),(5,0) -> (1,0)): (0-1)^2 + (1-0)^2 = 2; mean = 1
        float[][] x = {{1, 0}, {0, 1}};
        float[][] pos = {{1, 0}, {5, 0}};
        assertEquals(1.0, AlignmentUniformity.alignment(x, pos), 1e-12);
        // antipodal pair: (1,0) vs (-1,0): distance^2 = 4, the maximum
        assertEquals(4.0, AlignmentUniformity.alignment(new float[][]{{2, 0}}, new float[][]{{-3, 0}}), 1e-12);
    }

    @Test
    void uniformityByHand() {
        // (1,0), (0,1), (-1,0): pair distances^2 are 2, 4, 2
        // uniformity = log((e^-4 + e^-8 + e^-4) / 3) = log(0.0123222...) = ln(1.23222) - ln(100) = 0.20882 - 4.60517 = -4.39635
        float[][] x = {{1, 0}, {0, 3}, {-1, 0}};
        double expected = Math.log((2 * Math.exp(-4) + Math.exp(-8)) / 3);
        assertEquals(expected, AlignmentUniformity.uniformity(x), 1e-9);
        assertEquals(-4.39635, AlignmentUniformity.uniformity(x), 1e-5);
    }

    @Test
    void collapsedVectorsAreAlignedButNotUniform() {
        float[][] same = {{1, 1}, {2, 2}, {3, 3}};
        assertEquals(0, AlignmentUniformity.uniformity(same), 1e-6); // log(mean(exp(0))) = 0
        assertEquals(0, AlignmentUniformity.alignment(same, same), 1e-12);
    }

    @Test
    void tooFewVectorsIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> AlignmentUniformity.uniformity(new float[][]{{1, 0}}));
        assertThrows(IllegalArgumentException.class,
                () -> AlignmentUniformity.alignment(new float[][]{{1, 0}}, new float[0][]));
    }
}
