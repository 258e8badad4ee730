package org.bg2vec.train;

/**
 * Global-norm gradient clipping as torch's {@code clip_grad_norm_}: the L2 norm over all trainable
 * values together (not per element, unlike DJL's {@code optClipGrad}); when it exceeds
 * {@code maxNorm} every gradient is multiplied by {@code maxNorm / (norm + 1e-6)}.
 */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** The global L2 norm (accumulated in double). */
    public static double globalNorm(float[] grads) {
        double sum = 0;
        for (float g : grads) {
            sum += (double) g * g;
        }
        return Math.sqrt(sum);
    }

    /** Clips in place and returns the norm before clipping; {@code maxNorm <= 0} disables clipping. */
    public static double clip(float[] grads, double maxNorm) {
        double norm = globalNorm(grads);
        if (maxNorm > 0) {
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1.0) {
                float c = (float) coef;
                for (int i = 0; i < grads.length; i++) {
                    grads[i] *= c;
                }
            }
        }
        return norm;
    }

    /** True if every value is finite. */
    public static boolean allFinite(float[] values) {
        for (float x : values) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }
}
