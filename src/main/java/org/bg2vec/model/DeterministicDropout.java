package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.nio.charset.StandardCharsets;

/**
 * Dropout whose mask is a pure function of (seed, site, element index), computed on the array's device
 * with int64 NDArray ops. It never touches torch's process-global RNG, so a re-forward with the same seed
 * (GradCache) reproduces the first pass bit for bit, and worker threads of one JVM cannot disturb each
 * other's masks.
 *
 * <p>The mask: element {@code i} (row-major) of a tensor at site {@code s} is kept iff
 * {@code hash(i, key(seed, s)) mod 2^24 >= p·2^24}, where {@code hash} is a counter-based 32-bit mixer made
 * of multiplications modulo 2^32 (products stay below 2^62) and "add the high half" steps (the additive
 * analogue of an xorshift; the high half is taken through float64, which is exact below 2^53). Kept
 * elements are scaled by {@code 1/(1-p)}, as torch's dropout does.
 */
public final class DeterministicDropout {

    private static final long MOD32 = 1L << 32;
    private static final long M1 = 0x2C1B3C6DL;
    private static final long M2 = 0x297A2D39L;
    private static final long M3 = 0x3B9F1E35L;
    private static final long UNIFORM_BITS = 1L << 24;

    private DeterministicDropout() {
    }

    /** A site id from a readable name such as {@code layers.3.self_attn#attention}. */
    public static long site(String name) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** {@code x} with the mask of (seed, site) applied and kept elements scaled; {@code x} itself if p == 0. */
    public static NDArray apply(NDArray x, double p, long seed, long site) {
        if (p <= 0) {
            return x;
        }
        NDArray keep = keepMask(x.getManager(), x.size(), p, seed, site).reshape(x.getShape());
        return x.mul(keep.toType(x.getDataType(), false)).mul((float) (1.0 / (1.0 - p)));
    }

    /**
     * The keep mask as a flat BOOLEAN array of {@code n} elements on {@code manager}'s device
     * (true = kept). Public so its statistics can be tested.
     */
    public static NDArray keepMask(NDManager manager, long n, double p, long seed, long site) {
        if (n >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dropout over " + n + " elements: at most 2^31-1 per tensor");
        }
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        long key = splitMix(splitMix(seed) ^ site);
        long k1 = key & 0x7FFFFFFFL;
        long k2 = (key >>> 31) & 0x7FFFFFFFL;
        NDArray h = manager.arange(0, (int) n, 1, DataType.INT64);
        h = h.add(k1).mod(MOD32);
        h = round(h, M1, 16);
        h = h.add(k2).mod(MOD32);
        h = round(h, M2, 15);
        h = round(h, M3, 16);
        long threshold = Math.round(p * UNIFORM_BITS);
        return h.mod(UNIFORM_BITS).gte(threshold);
    }

    /** h ← (h·m mod 2^32); h ← (h + ⌊h / 2^shift⌋) mod 2^32. */
    private static NDArray round(NDArray h, long m, int shift) {
        NDArray x = h.mul(m).mod(MOD32);
        NDArray high = x.toType(DataType.FLOAT64, false).div((double) (1L << shift)).floor().toType(DataType.INT64, false);
        return x.add(high).mod(MOD32);
    }

    private static long splitMix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
