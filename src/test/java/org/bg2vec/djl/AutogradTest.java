package org.bg2vec.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class AutogradTest {

    /** d/dx sum(x*x*c) = 2cx, accumulated over two backward calls = 4cx. */
    static float[] gradOfSquare(float c) {
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray x = m.create(new float[]{1, -2, 3});
            Autograd.requireGrad(x);
            for (int i = 0; i < 2; i++) {
                try (Autograd.Scope s = Autograd.gradMode(true); NDManager sub = m.newSubManager()) {
                    NDArray y = x.mul(x).mul(c).sum();
                    Autograd.backward(y, sub.ones(y.getShape()));
                }
            }
            return Autograd.gradient(x).toFloatArray();
        }
    }

    @Test
    void backwardAccumulatesExactGradients() {
        assertArrayEquals(new float[]{4, -8, 12}, gradOfSquare(1f), 0f);
    }

    @Test
    void gradModeIsPerThreadAndWorksConcurrently() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                Future<float[]> a = pool.submit(() -> gradOfSquare(1f));
                Future<float[]> b = pool.submit(() -> gradOfSquare(3f));
                assertArrayEquals(new float[]{4, -8, 12}, a.get(), 0f);
                assertArrayEquals(new float[]{12, -24, 36}, b.get(), 0f);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
