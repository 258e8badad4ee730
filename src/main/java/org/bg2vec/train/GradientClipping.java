package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.bg2vec.djl.Autograd;

/**
 * Global-norm gradient clipping as torch's {@code clip_grad_norm_} on the flat gradient tensor: the L2 norm over all
 * trainable values together (not per element, unlike DJL's {@code optClipGrad}); when it exceeds {@code maxNorm}
 * every gradient is multiplied by the float32 {@code maxNorm / (norm + 1e-6)}.
 *
 * <p>The sum of squares is accumulated in float64 on the gradient's device, row by row: the vector is cut into rows
 * of {@value #ROW} values, each row is summed by torch on one thread (a vector of 2^15 values or more makes two
 * rows or more, which torch splits between threads by whole rows; a shorter one is summed on one thread), so the
 * result does not depend on the number of threads; the row sums come to the host (8 bytes per {@value #ROW} values) where they are added in
 * order. A float32 value squared and summed in float64 cannot overflow (at most 2^31 · 2^256), so the sum is finite
 * exactly when every gradient is: it is the finite check too. The order differs from a sequential loop's, so the
 * norm agrees with one to about 1e-15 relative (tested), not bit for bit.
 */
public final class GradientClipping {

    /** Values per row of the norm's reduction. */
    static final int ROW = 1 << 14;

    private GradientClipping() {
    }

    /** The sum of the squares of {@code flat} (float32, one axis) in float64; NaN or infinite iff a value is. */
    public static double sumOfSquares(NDArray flat) {
        long n = flat.size();
        long rows = n / ROW;
        double sum = 0;
        try (Autograd.Scope off = Autograd.gradMode(false); NDManager tmp = flat.getManager().newSubManager()) {
            if (rows > 0) {
                NDArray body = flat.get(new NDIndex("0:{}", rows * ROW)).reshape(rows, ROW);
                body.attach(tmp);
                NDArray rowSums = squares(body, tmp).sum(new int[]{1});
                rowSums.attach(tmp);
                for (double s : rowSums.toDoubleArray()) {
                    sum += s;
                }
            }
            if (rows * ROW < n) {
                NDArray tail = flat.get(new NDIndex("{}:", rows * ROW));
                tail.attach(tmp);
                NDArray s = squares(tail, tmp).sum();
                s.attach(tmp);
                sum += s.getDouble();
            }
        }
        return sum;
    }

    /**
     * Clips {@code grads} in place given its {@code norm} (from {@link #sumOfSquares}); {@code maxNorm <= 0} disables
     * clipping.
     */
    public static void clip(NDArray grads, double norm, double maxNorm) {
        if (maxNorm > 0) {
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1.0) {
                scale(grads, (float) coef);
            }
        }
    }

    /** Multiplies {@code values} by the float32 {@code factor} in place. */
    static void scale(NDArray values, float factor) {
        try (Autograd.Scope off = Autograd.gradMode(false); NDArray f = AdamW.scalar(values.getManager(), factor)) {
            values.muli(f);
        }
    }

    private static NDArray squares(NDArray x, NDManager tmp) {
        NDArray d = x.toType(DataType.FLOAT64, true);
        d.attach(tmp);
        return d.muli(d);
    }
}
