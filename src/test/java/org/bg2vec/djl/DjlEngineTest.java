package org.bg2vec.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DjlEngineTest {

    @Test
    void pytorchEngineStartsOfflineAndMultipliesMatrices() {
        Engine engine = DjlRuntime.engine();
        assertEquals("PyTorch", engine.getEngineName());
        assertEquals("true", System.getProperty("ai.djl.offline"));
        try (NDManager m = engine.newBaseManager()) {
            NDArray a = m.create(new float[]{1, 2, 3, 4, 5, 6}, new Shape(2, 3));
            NDArray b = m.create(new float[]{7, 8, 9, 10, 11, 12}, new Shape(3, 2));
            NDArray c = a.matMul(b);
            assertEquals(new Shape(2, 2), c.getShape());
            // hand-checked: [1 2 3;4 5 6] x [7 8;9 10;11 12] = [58 64;139 154]
            assertArrayEquals(new float[]{58, 64, 139, 154}, c.toFloatArray(), 0f);
        }
    }
}
