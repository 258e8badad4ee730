package org.bg2vec.train;

/**
 * Global-norm gradient clipping as torch's {@code clip_grad_norm_}: the L2 norm over all trainable
 * values together (not per element, unlike DJL's {@code optClipGrad}); when it exceeds
 * {@code maxNorm} every gradient is multiplied by {@code maxNorm / (norm + 1e-6)}.
 */
public final class HostGradientClipping {

    private HostGradientClipping() {
    }

    /** The global L2 norm (accumulated in double, four independent partial sums for speed). */
    public static double globalNorm(float[] grads) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < grads.length; i += 4) {
            s0 += (double) grads[i] * grads[i];
            s1 += (double) grads[i + 1] * grads[i + 1];
            s2 += (double) grads[i + 2] * grads[i + 2];
            s3 += (double) grads[i + 3] * grads[i + 3];
        }
        for (; i < grads.length; i++) {
            s0 += (double) grads[i] * grads[i];
        }
        return Math.sqrt((s0 + s1) + (s2 + s3));
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
