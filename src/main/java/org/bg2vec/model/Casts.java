package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Element-type casts that stay on the autograd graph. DJL's {@link NDArray#toType} detaches its result
 * (gradients stop there), which would cut the float16 base / float32 LoRA path. This cast goes through
 * {@code torch.cumprod(x[..., None], dim=-1, dtype=t)}: over an axis of length 1 it is the identity, and
 * its {@code dtype} argument casts the input inside the graph.
 */
public final class Casts {

    private Casts() {
    }

    /** {@code x} as {@code type}, differentiable; {@code x} itself when it already has that type. */
    public static NDArray to(NDArray x, DataType type) {
        if (x.getDataType() == type) {
            return x;
        }
        NDArray column = x.expandDims(-1);
        NDArray cast = JniUtils.cumProd((PtNDArray) column, column.getShape().dimension() - 1, type);
        return cast.squeeze(-1);
    }
}
