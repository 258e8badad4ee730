package org.bg2vec.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Thread-safe autograd without DJL's {@code GradientCollector} (only one may exist per JVM, and
 * Spark local mode runs several workers as threads of one JVM). Grad mode is per thread in
 * libtorch; gradients accumulate into {@code .grad} across {@link #backward} calls, as in torch.
 */
public final class Autograd {

    private Autograd() {
    }

    /** Switches grad mode for the current thread; closing restores the previous mode. */
    public static Scope gradMode(boolean enabled) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
        return () -> JniUtils.setGradMode(previous);
    }

    /** Whether the current thread records the autograd graph. */
    public static boolean isRecording() {
        return JniUtils.isGradMode();
    }

    /** Marks {@code param} as a leaf that requires grad (creates its .grad lazily). */
    public static void requireGrad(NDArray param) {
        JniUtils.attachGradient(pt(param), true);
    }

    /** Back-propagates {@code gradOutput} (same shape as {@code output}) into the leaves. */
    public static void backward(NDArray output, NDArray gradOutput) {
        JniUtils.backward(pt(output), pt(gradOutput), false, false);
    }

    /** The accumulated gradient of a leaf (a new handle owned by the leaf's manager), or null if none yet. */
    public static NDArray gradient(NDArray param) {
        PtNDArray p = pt(param);
        PtNDArray g = JniUtils.getGradient(p);
        return g;
    }

    /** Sets a leaf's accumulated gradient to zero. */
    public static void zeroGrad(NDArray param) {
        JniUtils.zeroGrad(pt(param));
    }

    private static PtNDArray pt(NDArray a) {
        if (a instanceof PtNDArray p) {
            return p;
        }
        throw new IllegalArgumentException("not a PyTorch NDArray: " + a.getClass().getName());
    }

    /** A grad-mode scope; {@link #close()} never throws. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
