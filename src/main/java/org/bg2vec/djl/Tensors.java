package org.bg2vec.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Tensors whose memory libtorch owns, for anything autograd or an in-place update may read later.
 *
 * <p>On the CPU, DJL's {@code NDManager.create(float[] / long[] / Buffer)} wraps a Java direct buffer
 * ({@code torch::from_blob}, no copy) that lives only as long as the Java wrapper object: once the
 * wrapper is closed and collected, the memory is freed while torch tensors (views, values saved for
 * backward) may still point at it. DJL's scalar overloads ({@code x.mul(2f)}, {@code div}, {@code add},
 * {@code maximum}, ...) are the same trap in disguise: they create a 0-dim array that way, use it, and
 * close it at once, although {@code mul}, {@code div} and {@code maximum} save it for backward. A
 * garbage collection between forward and backward then silently corrupts the gradient (a run is no
 * longer repeatable; sometimes a NaN). Code on a recorded path therefore uses these helpers: values
 * from Java are copied into torch-owned memory, and scalars are made by libtorch ({@code torch.full}).
 * A torch-owned tensor is reference-counted by libtorch, so closing its Java wrapper early is safe.
 */
public final class Tensors {

    private Tensors() {
    }

    /** A copy of {@code data} in libtorch-owned memory on {@code manager}'s device. */
    public static NDArray owned(NDManager manager, float[] data, Shape shape) {
        try (NDArray alias = manager.create(data, shape)) {
            return alias.duplicate();
        }
    }

    /** A copy of {@code data} in libtorch-owned memory on {@code manager}'s device. */
    public static NDArray owned(NDManager manager, long[] data, Shape shape) {
        try (NDArray alias = manager.create(data, shape)) {
            return alias.duplicate();
        }
    }

    /** {@code x · v} (v a float32 scalar made by libtorch; the result keeps x's type as DJL's overload does). */
    public static NDArray mul(NDArray x, float v) {
        try (NDArray s = scalar(x, v)) {
            return x.mul(s);
        }
    }

    /** {@code x / v}. */
    public static NDArray div(NDArray x, float v) {
        try (NDArray s = scalar(x, v)) {
            return x.div(s);
        }
    }

    /** {@code x + v}. */
    public static NDArray add(NDArray x, float v) {
        try (NDArray s = scalar(x, v)) {
            return x.add(s);
        }
    }

    /** {@code max(x, v)} element-wise. */
    public static NDArray maximum(NDArray x, float v) {
        try (NDArray s = scalar(x, v)) {
            return x.maximum(s);
        }
    }

    /** A float32 scalar made by libtorch on {@code manager}'s device (no Java memory behind it). */
    public static NDArray scalar(NDManager manager, float v) {
        return manager.full(new Shape(), v, DataType.FLOAT32);
    }

    private static NDArray scalar(NDArray like, float v) {
        return scalar(like.getManager(), v);
    }
}
