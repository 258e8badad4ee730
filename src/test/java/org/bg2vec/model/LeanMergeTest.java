package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.DjlRuntime;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The in-place, block-by-block MNTP merge gives exactly the whole-matrix {@code W + scaling·B·A}. */
class LeanMergeTest {

    @Test
    void blockwiseMergeEqualsTheWholeMatrixFormulaBitForBit() {
        try (NDManager m = DjlRuntime.newManager()) {
            for (DataType type : new DataType[]{DataType.FLOAT32, DataType.FLOAT16}) {
                NDArray w0 = m.randomNormal(0, 0.02f, new Shape(37, 24), DataType.FLOAT32).toType(type, false);
                NDArray a = m.randomUniform(-0.2f, 0.2f, new Shape(4, 24));
                NDArray b = m.randomNormal(0, 0.05f, new Shape(37, 4), DataType.FLOAT32);
                float scaling = 2f;
                // the formula, on whole matrices in float32, rounded once to W's type
                float[] expected = w0.toType(DataType.FLOAT32, true).add(b.matMul(a).mul(scaling)).toType(type, false)
                        .toType(DataType.FLOAT32, false).toFloatArray();
                for (long chunk : new long[]{24 * 5, 24 * 37, 1}) { // 5 rows, everything, one row at a time
                    NDArray w = w0.duplicate();
                    MistralWeights.mergeInPlace(w, a, b, scaling, chunk);
                    assertArrayEquals(expected, w.toType(DataType.FLOAT32, false).toFloatArray(), 0f,
                            type + ", chunk " + chunk);
                }
                assertNotEquals(0f, b.matMul(a).abs().max().getFloat(), "the adapter changes W");
            }
        }
    }
}
