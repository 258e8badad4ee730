package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.bg2vec.djl.Autograd;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.tokenize.TokenizedBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Dropout masks are pure functions of (seed, site, index): reproducible, seed-sensitive, eval-free. */
class DropoutDeterminismTest {

    @TempDir
    Path tmp;

    /** The fixture with the new adapter (B ≠ 0) as trainable, with the given dropouts. */
    private MistralEncoder encoder(double attention, double lora) throws Exception {
        Path adapter = tmp.resolve("adapter-" + lora);
        if (!Files.exists(adapter)) {
            Files.createDirectories(adapter);
            Path src = TinyMistralFixture.dir().resolve("new-adapter");
            Files.copy(src.resolve(LoraAdapter.WEIGHTS_FILE), adapter.resolve(LoraAdapter.WEIGHTS_FILE));
            Files.writeString(adapter.resolve(LoraConfig.FILE), Files.readString(src.resolve(LoraConfig.FILE))
                    .replace("\"lora_dropout\": 0.0", "\"lora_dropout\": " + lora));
        }
        DjlRuntime.engine();
        MistralEncoder enc = MistralEncoder.load(TinyMistralFixture.dir(),
                EncoderOptions.cpu().withAttentionDropout(attention));
        enc.loadTrainableAdapter(adapter);
        assertEquals(lora, enc.trainableAdapter().config().loraDropout(), 0.0);
        return enc;
    }

    private static float[] embed(MistralEncoder enc, TokenizedBatch b, boolean training, long seed) {
        try (Autograd.Scope g = Autograd.gradMode(false); NDManager m = DjlRuntime.newManager()) {
            return enc.embed(m, b, training, seed).toFloatArray();
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Test
    void sameSeedIsBitIdenticalOtherSeedDiffersEvalIgnoresDropout() throws Exception {
        TokenizedBatch q = TinyMistralFixture.batch("q_batch");
        try (MistralEncoder enc = encoder(0.1, 0.1)) {
            float[] a = embed(enc, q, true, 11);
            float[] b = embed(enc, q, true, 11);
            assertArrayEquals(a, b, 0f, "same seed must reproduce the embeddings bit for bit");
            float[] withGraph;
            try (Autograd.Scope g = Autograd.gradMode(true); NDManager m = DjlRuntime.newManager()) {
                withGraph = enc.embed(m, q, true, 11).toFloatArray();
            }
            assertArrayEquals(a, withGraph, 0f, "GradCache: the re-forward with grad equals the no-grad pass");
            float[] c = embed(enc, q, true, 12);
            assertTrue(maxDiff(a, c) > 1e-3, "another seed must give other masks: " + maxDiff(a, c));
            float[] e1 = embed(enc, q, false, 11);
            float[] e2 = embed(enc, q, false, 12);
            assertArrayEquals(e1, e2, 0f, "eval mode ignores the seed");
            assertTrue(maxDiff(a, e1) > 1e-3, "training mode applies dropout");
        }
        try (MistralEncoder none = encoder(0.0, 0.0); MistralEncoder onlyLora = encoder(0.0, 0.1);
             MistralEncoder onlyAttention = encoder(0.1, 0.0)) {
            float[] eval = embed(none, q, false, 1);
            assertArrayEquals(eval, embed(none, q, true, 1), 0f, "p = 0: training equals eval");
            assertTrue(maxDiff(eval, embed(onlyLora, q, true, 1)) > 1e-4, "LoRA dropout acts");
            assertTrue(maxDiff(eval, embed(onlyAttention, q, true, 1)) > 1e-4, "attention dropout acts");
            assertArrayEquals(eval, embed(onlyLora, q, false, 1), 0f);
        }
    }

    @Test
    void concurrentThreadsDoNotDisturbEachOther() throws Exception {
        TokenizedBatch q = TinyMistralFixture.batch("q_batch");
        TokenizedBatch d = TinyMistralFixture.batch("d_batch");
        try (MistralEncoder enc = encoder(0.1, 0.1)) {
            float[] refQ = embed(enc, q, true, 21);
            float[] refD = embed(enc, d, true, 22);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 10; round++) {
                    Future<float[]> fq = pool.submit(() -> embed(enc, q, true, 21));
                    Future<float[]> fd = pool.submit(() -> embed(enc, d, true, 22));
                    assertArrayEquals(refQ, fq.get(), 0f);
                    assertArrayEquals(refD, fd.get(), 0f);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void maskRateAndIndependenceAreCloseToBernoulli() {
        try (NDManager m = DjlRuntime.newManager()) {
            int n = 1 << 20;
            for (double p : new double[]{0.1, 0.5}) {
                boolean[] keep = DeterministicDropout.keepMask(m, n, p, 1234, DeterministicDropout.site("x")).toBooleanArray();
                boolean[] other = DeterministicDropout.keepMask(m, n, p, 1234, DeterministicDropout.site("y")).toBooleanArray();
                boolean[] again = DeterministicDropout.keepMask(m, n, p, 1234, DeterministicDropout.site("x")).toBooleanArray();
                assertArrayEquals(keep, again);
                int dropped = 0;
                int bothDroppedAdjacent = 0;
                int bothDroppedSites = 0;
                for (int i = 0; i < n; i++) {
                    if (!keep[i]) {
                        dropped++;
                        if (i + 1 < n && !keep[i + 1]) {
                            bothDroppedAdjacent++;
                        }
                        if (!other[i]) {
                            bothDroppedSites++;
                        }
                    }
                }
                // binomial std of the rate at n = 2^20 is <= 5e-4: allow ~6 sigma
                assertEquals(p, dropped / (double) n, 3e-3, "drop rate at p=" + p);
                assertEquals(p * p, bothDroppedAdjacent / (double) n, 3e-3, "adjacent elements independent");
                assertEquals(p * p, bothDroppedSites / (double) n, 3e-3, "sites independent");
            }
        }
    }

    /**
     * The mask is computed in chunks; element i must still be the documented hash of (seed, site, i). This is
     * the class comment's recipe evaluated in Java long arithmetic with / and %, element by element.
     */
    private static boolean referenceKeep(long i, double p, long seed, long site) {
        long mod = 1L << 31;
        long key = (splitMix(splitMix(seed) ^ site) & (mod - 1)) | 1;
        long y = (i * key) % mod;
        long z = y + key;
        long x = y;
        for (int r = 0; r < 3; r++) {
            x = (x * x + (r % 2 == 0 ? y : z)) / 65536 % mod;
        }
        x = (x + y) % mod;
        return x >= (Math.round(p * (1 << 24)) << 7);
    }

    private static long splitMix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Test
    void chunkedMaskIsTheHashOfEveryIndex() {
        try (NDManager m = DjlRuntime.newManager()) {
            int n = 2 * DeterministicDropout.CHUNK + 12345; // three chunks, the last one partial
            long site = DeterministicDropout.site("layers.0.mlp.down_proj#lora_dropout");
            boolean[] keep = DeterministicDropout.keepMask(m, n, 0.3, 99, site).toBooleanArray();
            assertEquals(n, keep.length);
            for (int i = 0; i < n; i += 7) {
                assertEquals(referenceKeep(i, 0.3, 99, site), keep[i], "element " + i);
            }
            for (int i = DeterministicDropout.CHUNK - 3; i < DeterministicDropout.CHUNK + 3; i++) {
                assertEquals(referenceKeep(i, 0.3, 99, site), keep[i], "element " + i + " at a chunk border");
            }
        }
    }

    @Test
    void masksComputedInJavaAreTheTensorOpsMasks() {
        try (NDManager m = DjlRuntime.newManager()) {
            // 1003: a tail of 3 after the vectorised part; the last size spans several Java tasks
            for (int n : new int[]{1, 1003, 2 * DeterministicDropout.CHUNK + 12345}) {
                for (double p : new double[]{0.05, 0.3, 0.9}) {
                    long site = DeterministicDropout.site("layers.1.self_attn#attention_dropout");
                    boolean[] host = DeterministicDropout.keepMask(m, n, p, 7 + n, site).toBooleanArray();
                    boolean[] tensor = DeterministicDropout.tensorKeepMask(m, n, p, 7 + n, site).toBooleanArray();
                    assertArrayEquals(tensor, host, "n " + n + ", p " + p);
                    assertEquals(referenceKeep(n - 1, p, 7 + n, site), host[n - 1]);
                }
            }
        }
    }

    @Test
    void theVectorisedKernelWritesTheScalarLoopsMask() {
        assumeTrue(DeterministicDropout.VECTOR_KERNEL,
                "this JVM has no jdk.incubator.vector module or no 512-bit vectors: only the scalar loop runs here");
        java.util.Random random = new java.util.Random(11);
        for (int round = 0; round < 200; round++) {
            int from = random.nextInt(1 << 20);
            int count = random.nextInt(300);
            long key = (random.nextLong() & ((1L << 31) - 1)) | 1;
            long threshold = Math.round(random.nextDouble() * (1 << 24)) << 7;
            for (boolean floats : new boolean[]{false, true}) {
                int width = floats ? Float.BYTES : 1;
                ByteBuffer vector = ByteBuffer.allocateDirect((from + count) * width).order(ByteOrder.nativeOrder());
                ByteBuffer scalar = ByteBuffer.allocateDirect((from + count) * width).order(ByteOrder.nativeOrder());
                DeterministicDropout.fillKept(vector, floats, from, count, key, threshold, true);
                DeterministicDropout.fillKept(scalar, floats, from, count, key, threshold, false);
                for (int i = from; i < from + count; i++) {
                    float v = floats ? vector.getFloat(i * width) : vector.get(i);
                    float s = floats ? scalar.getFloat(i * width) : scalar.get(i);
                    assertEquals(s, v, 0f, "element " + i + " of round " + round + (floats ? " (float32)" : " (bytes)"));
                }
            }
        }
    }

    @Test
    void withoutTheVectorModuleTheScalarLoopComputesTheSameMasks() throws Exception {
        // a JVM as a spark-submit executor without --add-modules jdk.incubator.vector starts: it must neither fail to
        // load DeterministicDropout nor compute other masks
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), MaskPrinter.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), out);
        String line = out.lines().filter(l -> l.startsWith("MASK ")).findFirst().orElseThrow(() -> new AssertionError(out));
        assertEquals("MASK false " + MaskPrinter.maskHash(), line);
    }

    /** Prints whether the vectorised kernel runs and a hash of a mask; started without the module by the test above. */
    public static final class MaskPrinter {
        public static void main(String[] args) {
            System.out.println("MASK " + DeterministicDropout.VECTOR_KERNEL + " " + maskHash());
        }

        static int maskHash() {
            try (NDManager m = DjlRuntime.newManager()) {
                // several Java tasks, a tail after the last multiple of 8
                return java.util.Arrays.hashCode(DeterministicDropout.keepMask(m, 3 * 65536 + 13, 0.1, 42,
                        DeterministicDropout.site("layers.0.mlp.up_proj#lora_dropout")).toBooleanArray());
            }
        }
    }

    @Test
    void zeroDroppedKeepsExactlyTheMasksElementsUnscaled() {
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray x = m.arange(1f, 64 * 64 + 1f).reshape(64, 64);
            float[] in = x.toFloatArray();
            float[] y = DeterministicDropout.zeroDropped(x, 0.25, 5, 9).toFloatArray();
            boolean[] keep = DeterministicDropout.keepMask(m, in.length, 0.25, 5, 9).toBooleanArray();
            int kept = 0;
            for (int i = 0; i < y.length; i++) {
                assertEquals(keep[i] ? in[i] : 0f, y[i], 0f, "element " + i);
                kept += keep[i] ? 1 : 0;
            }
            assertTrue(kept > 0 && kept < y.length, "some kept, some dropped: " + kept);
            assertEquals(x, DeterministicDropout.zeroDropped(x, 0.0, 5, 9));
            assertEquals(4.0 / 3.0, DeterministicDropout.keptScale(0.25), 1e-15);
            assertEquals(1.0, DeterministicDropout.keptScale(0.0), 0.0);
        }
    }
}
