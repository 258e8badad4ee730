package org.bg2vec.model;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@link DeterministicDropout}'s CPU keep-mask recipe on {@link #LANES} consecutive elements at once, with the JDK's
 * incubating Vector API (AVX-512 squares 8 64-bit lanes in one instruction; the scalar loop does one element per
 * 5 or so cycles). It writes the same 0/1 values as the scalar loop, element for element.
 *
 * <p>Only touched when the JVM runs with {@code --add-modules jdk.incubator.vector} and its preferred long vector has
 * 8 lanes ({@link #fast}): without the module this class cannot even be loaded, and on a CPU with narrower vectors
 * the API would emulate the 64-bit products lane by lane, slower than the scalar loop.
 */
final class VectorMaskKernel {

    /** Elements per vector step (a constant, so callers can use it without loading this class). */
    static final int LANES = 8;
    private static final long P = 1L << 31;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_512;
    private static final long[] IOTA = {0, 1, 2, 3, 4, 5, 6, 7};

    private VectorMaskKernel() {
    }

    /**
     * Whether the CPU runs {@link #LANES} long lanes natively. Call only where the module is present
     * ({@link DeterministicDropout#VECTOR_KERNEL} checks): without it, loading this class fails.
     */
    static boolean fast() {
        return LongVector.SPECIES_PREFERRED.length() >= LANES;
    }

    /**
     * Elements [from, from + count) of the mask (key, threshold) into {@code out}, a native-order buffer, at element
     * position {@code from}: 0/1 bytes, or float32 0/1 when {@code floats}. {@code count} is a multiple of
     * {@link #LANES}. The recipe is {@link DeterministicDropout#fillKept}'s, lane by lane.
     */
    static void fill(ByteBuffer out, int from, int count, long key, long threshold, boolean floats) {
        LongVector y = LongVector.fromArray(LONGS, IOTA, 0).add(from).mul(key).and(P - 1);
        long step = (LANES * key) & (P - 1);
        int width = floats ? Float.BYTES : 1;
        for (int j = 0; j < count; j += LANES) {
            LongVector x = square(y, y);
            x = square(x, y.add(key));
            x = square(x, y);
            // kept iff (x + y) mod 2^31 >= threshold, i.e. iff threshold - 1 - that is negative: its sign bit
            LongVector kept = x.add(y).and(P - 1).neg().add(threshold - 1).lanewise(VectorOperators.LSHR, 63);
            int at = (from + j) * width;
            if (floats) {
                kept.convertShape(VectorOperators.L2F, FloatVector.SPECIES_256, 0)
                        .intoByteBuffer(out, at, ByteOrder.nativeOrder());
            } else {
                kept.convertShape(VectorOperators.L2B, ByteVector.SPECIES_64, 0)
                        .intoByteBuffer(out, at, ByteOrder.nativeOrder());
            }
            y = y.add(step).and(P - 1);
        }
    }

    /** One middle-square round: bits 16..46 of {@code x² + w}. */
    private static LongVector square(LongVector x, LongVector w) {
        return x.mul(x).add(w).lanewise(VectorOperators.LSHR, 16).and(P - 1);
    }
}
