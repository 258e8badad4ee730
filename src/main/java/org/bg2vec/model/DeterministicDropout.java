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
 * <p>The generator is a 31-bit variant of Widynski's counter-based "Squares" RNG: with an odd key
 * {@code k} derived from (seed, site) and the row-major element index {@code i},
 * {@code y = i·k mod 2^31}, {@code z = y + k}, then three middle-square rounds
 * {@code x ← ⌊float64(x² + (y or z)) / 2^16⌋ mod 2^31} starting from {@code x = y}, and a final Weyl step
 * {@code x ← x + y mod 2^31}. Integer products stay below 2^63; the conversion to float64 rounds to nearest
 * (IEEE, identical on every device) and everything after it is exact in float64, so only one integer
 * division (the first {@code mod}) is needed: integer {@code mod} is the slow op on a CPU. Element i is
 * kept iff {@code x ≥ p·2^31} (p rounded to 24 bits); kept elements are scaled by {@code 1/(1-p)}, as
 * torch's dropout does.
 */
public final class DeterministicDropout {

    private static final long P = 1L << 31;
    private static final long SHIFT = 1L << 16;
    private static final int ROUNDS = 3;

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
        return Tensors.mul(x.mul(keep.toType(x.getDataType(), false)), (float) (1.0 / (1.0 - p)));
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
        long key = (splitMix(splitMix(seed) ^ site) & (P - 1)) | 1;
        NDArray y = manager.arange(0, (int) n, 1, DataType.INT64).mul(key).mod(P); // the only integer division
        NDArray z = y.add(key);
        NDArray x = y;
        for (int r = 0; r < ROUNDS; r++) {
            // t < 2^62 + 2^32; float64(t) rounds to nearest (IEEE, same on every device), the rest is exact
            NDArray t = x.mul(x).add(r % 2 == 0 ? y : z).toType(DataType.FLOAT64, false);
            NDArray shifted = t.div((double) SHIFT).floor();                                   // < 2^47, exact
            NDArray reduced = shifted.sub(shifted.div((double) P).floor().mul((double) P));   // mod 2^31, exact
            x = reduced.toType(DataType.INT64, false);
        }
        x = x.add(y);                                  // < 2^32
        x = x.sub(x.gte(P).toType(DataType.INT64, false).mul(P)); // mod 2^31
        long threshold = Math.round(p * (1 << 24)) << 7;
        return x.gte(threshold);
    }

    private static long splitMix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
