package org.bg2vec.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.DjlRuntime;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The loss against a direct double-precision evaluation of its definition (the fixture covers e/f). */
class HardNegativeNLLLossTest {

    private static double[] unit(double[] v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        n = Math.sqrt(n);
        double[] u = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = v[i] / n;
        }
        return u;
    }

    @Test
    void hardNegativesJoinTheCandidates() {
        double[][] q = {{1, 2, 0}, {0, 1, -1}};
        double[][] d = {{1, 1, 0}, {0, 2, -1}, {3, 0, 1}, {-1, 1, 1}}; // 2 positives then 2 negatives
        double expected = 0;
        for (int i = 0; i < 2; i++) {
            double[] s = new double[4];
            double max = -1e9;
            for (int j = 0; j < 4; j++) {
                double[] a = unit(q[i]);
                double[] b = unit(d[j]);
                s[j] = 20 * (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]);
                max = Math.max(max, s[j]);
            }
            double z = 0;
            for (double x : s) {
                z += Math.exp(x - max);
            }
            expected += -(s[i] - max - Math.log(z));
        }
        expected /= 2;
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray qa = m.create(new float[]{1, 2, 0, 0, 1, -1}, new Shape(2, 3));
            NDArray pos = m.create(new float[]{1, 1, 0, 0, 2, -1}, new Shape(2, 3));
            NDArray neg = m.create(new float[]{3, 0, 1, -1, 1, 1}, new Shape(2, 3));
            HardNegativeNLLLoss loss = new HardNegativeNLLLoss(20f);
            assertEquals(expected, loss.loss(qa, pos, neg).getFloat(), 1e-5);
            assertEquals(new Shape(2, 4), loss.scores(qa, pos.concat(neg, 0)).getShape());
        }
    }
}
