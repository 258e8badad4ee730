package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.bg2vec.djl.Autograd;
import org.bg2vec.djl.Tensors;

/**
 * Global-norm gradient clipping as torch's {@code clip_grad_norm_} on the flat gradient tensor: the L2 norm over all
 * trainable values together (not per element, unlike DJL's {@code optClipGrad}); when it exceeds {@code maxNorm}
 * every gradient is multiplied by the float32 {@code maxNorm / (norm + 1e-6)}.
 *
 * <p>The sum of squares is accumulated in float64 on the gradient's device, row by row: the vector is cut into rows
 * of {@value #ROW} values (fewer than torch's parallel grain of 32768, so torch sums each row on one thread and the
 * result does not depend on the number of threads), converted to float64 {@value #ROWS_AT_ONCE} rows at a time (to
 * bound the temporary), and the row sums come to the host (8 bytes per {@value #ROW} values) where they are added in
 * order. A float32 value squared and summed in float64 cannot overflow (at most 2^31 · 2^256), so the sum is finite
 * exactly when every gradient is: it is the finite check too. The order differs from a sequential loop's, so the
 * norm agrees with one to about 1e-15 relative (tested), not bit for bit.
 */
public final class GradientClipping {

    /** Values per row of the norm's reduction. */
    static final int ROW = 1 << 14;
    /** Rows converted to float64 at a time (8 MiB). */
    static final int ROWS_AT_ONCE = 64;

    private GradientClipping() {
    }

    /** The sum of the squares of {@code flat} (float32, one axis) in float64; NaN or infinite iff a value is. */
    public static double sumOfSquares(NDArray flat) {
        long n = flat.size();
        long body = n / ROW * ROW;
        double sum = 0;
        try (Autograd.Scope off = Autograd.gradMode(false)) {
            for (long from = 0; from < body; from += (long) ROWS_AT_ONCE * ROW) {
                sum += sumOfRows(flat, from, Math.min(from + (long) ROWS_AT_ONCE * ROW, body));
            }
            if (body < n) {
                sum += sumOfRows(flat, body, n);
            }
        }
        return sum;
    }

    /** The float64 sum of squares of {@code flat[from:to]}: rows of {@value #ROW} (or one shorter row) in order. */
    private static double sumOfRows(NDArray flat, long from, long to) {
        double sum = 0;
        try (NDManager block = flat.getManager().newSubManager()) {
            NDArray rows = flat.get(new NDIndex("{}:{}", from, to));
            rows.attach(block);
            NDArray d = rows.reshape(-1, Math.min(ROW, to - from)).toType(DataType.FLOAT64, true);
            d.attach(block);
            NDArray sums = d.muli(d).sum(new int[]{1});
            sums.attach(block);
            for (double s : sums.toDoubleArray()) {
                sum += s;
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
        try (Autograd.Scope off = Autograd.gradMode(false); NDArray f = Tensors.scalar(values.getManager(), factor)) {
            values.muli(f);
        }
    }
}
