package org.bg2vec.collective;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ring all-reduce, all-gather, broadcast and barrier against plain single-process results. */
class TcpCollectiveTest {

    private static final Duration OP_TIMEOUT = Duration.ofSeconds(30);
    private static final int[] SIZES = {0, 1, 2, 3, 5, 7, 1000, 1_000_003};

    /** Small integers as floats: every summation order gives the exact same result. */
    static float[] randomIntegers(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextInt(2001) - 1000;
        }
        return a;
    }

    /** Buffer kinds: direct little-endian (zero copy), heap (staged), direct big-endian (staged). */
    static FloatBuffer wrap(float[] values, int kind) {
        FloatBuffer fb = switch (kind % 3) {
            case 0 -> ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            case 1 -> FloatBuffer.allocate(values.length);
            default -> ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
        };
        fb.put(values).flip();
        return fb;
    }

    static float[] toArray(FloatBuffer fb) {
        float[] a = new float[fb.remaining()];
        fb.duplicate().get(a);
        return a;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void allReduceSumEqualsPlainSum(int w) throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(w, OP_TIMEOUT)) {
            Random rnd = new Random(42 + w);
            for (int n : SIZES) {
                float[][] inputs = new float[w][];
                float[] expected = new float[n];
                for (int r = 0; r < w; r++) {
                    inputs[r] = randomIntegers(rnd, n);
                    for (int i = 0; i < n; i++) {
                        expected[i] += inputs[r][i];
                    }
                }
                int kindSeed = n;
                List<float[]> results = ring.runAll(r -> {
                    FloatBuffer buf = wrap(inputs[r], kindSeed + r);
                    ring.ranks.get(r).allReduceSum(buf);
                    assertEquals(0, buf.position(), "position untouched");
                    return toArray(buf);
                });
                for (int r = 0; r < w; r++) {
                    assertArrayEquals(expected, results.get(r), "rank " + r + " of " + w + ", n=" + n);
                }
            }
        }
    }

    @Test
    void allReduceOfRealValuedFloatsIsCloseToThePlainSumAndBitIdenticalOnAllRanks() throws Exception {
        int w = 3;
        int n = 100_001;
        try (LoopbackRing ring = LoopbackRing.connect(w, OP_TIMEOUT)) {
            Random rnd = new Random(7);
            float[][] inputs = new float[w][n];
            double[] expected = new double[n];
            for (int r = 0; r < w; r++) {
                for (int i = 0; i < n; i++) {
                    inputs[r][i] = (float) rnd.nextGaussian();
                    expected[i] += inputs[r][i];
                }
            }
            List<float[]> results = ring.runAll(r -> {
                FloatBuffer buf = wrap(inputs[r], 0);
                ring.ranks.get(r).allReduceSum(buf);
                return toArray(buf);
            });
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], results.get(0)[i], 1e-5);
            }
            assertArrayEquals(results.get(0), results.get(1), 0f);
            assertArrayEquals(results.get(0), results.get(2), 0f);
        }
    }

    /**
     * The summation order is fixed: segment j of the ring (W near-equal segments) is summed as
     * x[j+W-1] + (... + (x[j+1] + x[j])) in float arithmetic, on every rank, in every run and however the
     * transfer is chunked, so training with W workers is reproducible bit for bit. Large enough that
     * frames are forwarded in many pieces while they are still arriving.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void allReduceAddsInTheDocumentedRingOrderBitForBit(int w) throws Exception {
        int n = 3_000_001;
        Random rnd = new Random(100 + w);
        float[][] inputs = new float[w][n];
        for (int r = 0; r < w; r++) {
            for (int i = 0; i < n; i++) {
                inputs[r][i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 3));
            }
        }
        float[] expected = new float[n];
        for (int j = 0; j < w; j++) {
            int start = RingAlgorithms.segmentStart(n, w, j);
            for (int i = start; i < start + RingAlgorithms.segmentLength(n, w, j); i++) {
                float acc = inputs[j][i];
                for (int k = 1; k < w; k++) {
                    acc = inputs[(j + k) % w][i] + acc;
                }
                expected[i] = acc;
            }
        }
        try (LoopbackRing ring = LoopbackRing.connect(w, OP_TIMEOUT)) {
            for (int run = 0; run < 2; run++) {
                List<float[]> results = ring.runAll(r -> {
                    FloatBuffer buf = wrap(inputs[r], 0);
                    ring.ranks.get(r).allReduceSum(buf);
                    return toArray(buf);
                });
                for (int r = 0; r < w; r++) {
                    assertArrayEquals(expected, results.get(r), 0f, "rank " + r + " of " + w + ", run " + run);
                }
            }
        }
    }

    @Test
    void allReduceHonoursBufferPositionAndLimit() throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(2, OP_TIMEOUT)) {
            List<float[]> results = ring.runAll(r -> {
                FloatBuffer buf = wrap(new float[] {100, r + 1, 2 * (r + 1), 100}, r);
                buf.position(1).limit(3);
                ring.ranks.get(r).allReduceSum(buf);
                buf.clear();
                return toArray(buf);
            });
            assertArrayEquals(new float[] {100, 3, 6, 100}, results.get(0), 0f);
            assertArrayEquals(new float[] {100, 3, 6, 100}, results.get(1), 0f);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void allGatherEqualsConcatenation(int w) throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(w, OP_TIMEOUT)) {
            Random rnd = new Random(w);
            for (int block : new int[] {0, 1, 3, 250_001}) {
                float[][] inputs = new float[w][];
                float[] expected = new float[w * block];
                for (int r = 0; r < w; r++) {
                    inputs[r] = randomIntegers(rnd, block);
                    System.arraycopy(inputs[r], 0, expected, r * block, block);
                }
                List<float[]> results = ring.runAll(r -> {
                    FloatBuffer out = wrap(new float[w * block], block + r + 1);
                    ring.ranks.get(r).allGather(wrap(inputs[r], block + r), out);
                    return toArray(out);
                });
                for (int r = 0; r < w; r++) {
                    assertArrayEquals(expected, results.get(r), "rank " + r + " of " + w + ", block=" + block);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void broadcastDeliversRootBytesFromEveryRoot(int w) throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(w, OP_TIMEOUT)) {
            for (int root = 0; root < w; root++) {
                for (int n : new int[] {0, 1, 3_000_017}) {
                    byte[] payload = new byte[n];
                    new Random(root * 31L + n).nextBytes(payload);
                    int rootRank = root;
                    List<byte[]> results = ring.runAll(r -> {
                        ByteBuffer buf = (r + n) % 2 == 0 ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
                        if (r == rootRank) {
                            buf.put(payload).flip();
                        }
                        ring.ranks.get(r).broadcast(buf, rootRank);
                        byte[] got = new byte[n];
                        buf.duplicate().get(got);
                        return got;
                    });
                    for (int r = 0; r < w; r++) {
                        assertArrayEquals(payload, results.get(r), "rank " + r + " root " + root + " n " + n);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void barrierReleasesNoRankBeforeAllArrived(int w) throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(w, OP_TIMEOUT)) {
            for (int round = 0; round < 3; round++) {
                boolean[] arrived = new boolean[w];
                int late = round % w;
                List<Boolean> sawAll = ring.runAll(r -> {
                    if (r == late) {
                        sleep(300);
                    }
                    synchronized (arrived) {
                        arrived[r] = true;
                    }
                    ring.ranks.get(r).barrier();
                    synchronized (arrived) {
                        for (boolean a : arrived) {
                            if (!a) {
                                return false;
                            }
                        }
                        return true;
                    }
                });
                for (int r = 0; r < w; r++) {
                    assertTrue(sawAll.get(r), "rank " + r + " left the barrier before every rank arrived");
                }
            }
        }
    }

    @Test
    void manyOperationsInSequenceStayInStep() throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(3, OP_TIMEOUT)) {
            List<float[]> results = ring.runAll(r -> {
                FloatBuffer acc = wrap(new float[] {0, 0}, 0);
                for (int i = 0; i < 200; i++) {
                    FloatBuffer one = wrap(new float[] {1, r}, i);
                    ring.ranks.get(r).allReduceSum(one);
                    acc.put(0, acc.get(0) + one.get(0)).put(1, acc.get(1) + one.get(1));
                    if (i % 50 == 0) {
                        ring.ranks.get(r).barrier();
                    }
                }
                return toArray(acc);
            });
            for (float[] res : results) {
                assertArrayEquals(new float[] {600, 600}, res, 0f);
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
