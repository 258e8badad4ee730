package org.bg2vec.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Element-type casts that stay on the autograd graph. DJL's {@link NDArray#toType} detaches its result
 * (gradients stop there), which would cut the float16 base / float32 LoRA path. This cast copies {@code x}
 * into a new uninitialised array of the target type with an indexed assignment ({@code out[:] = x}, torch's
 * {@code copy_}, which converts the type): autograd records it as a copy whose backward is the gradient cast
 * back to x's type, exactly what {@code x.to(t)} does in torch, and it keeps no tensor for backward, neither
 * the input nor the output. (A cast through an op with a dtype argument, e.g. {@code cumprod}, would keep
 * both: 6 bytes per element of every cast activation until backward.)
 */
public final class Casts {

    private static final NDIndex ALL = new NDIndex(":");

    private Casts() {
    }

    /** {@code x} as {@code type}, differentiable; {@code x} itself when it already has that type. */
    public static NDArray to(NDArray x, DataType type) {
        if (x.getDataType() == type) {
            return x;
        }
        NDArray out = x.getManager().create(x.getShape(), type);
        out.set(ALL, x);
        return out;
    }
}
