package org.bg2vec.format;

/**
 * bfloat16 as raw 16-bit patterns (the upper half of a float32), for writing BF16 safetensors; no bfloat16
 * NDArray is ever created (DJL 0.36 aborts on them). Rounding is to nearest, ties to even, as torch's
 * {@code float → bfloat16} conversion does; NaN stays a (quiet) NaN.
 */
public final class BFloat16 {

    private BFloat16() {
    }

    /** The bfloat16 bit pattern nearest to {@code f}. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /** The float32 value of a bfloat16 bit pattern (exact). */
    public static float toFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }
}
