package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.bg2vec.djl.Autograd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * Dropout whose mask is a pure function of (seed, site, element index), computed on the array's device
 * with int64 NDArray ops. It never touches torch's process-global RNG, so a re-forward with the same seed
 * (GradCache) reproduces the first pass bit for bit, and worker threads of one JVM cannot disturb each
 * other's masks.
 *
 * <p>The generator is a 31-bit variant of Widynski's counter-based "Squares" RNG: with an odd key
 * {@code k} derived from (seed, site) and the row-major element index {@code i},
 * {@code y = i·k mod 2^31}, {@code z = y + k}, then three middle-square rounds
 * {@code x ← ⌊(x² + (y or z)) / 2^16⌋ mod 2^31} (bits 16..46) starting from {@code x = y}, and a final Weyl
 * step {@code x ← x + y mod 2^31}. Everything is exact integer arithmetic below 2^63. Element i is kept iff
 * {@code x ≥ p·2^31} (p rounded to 24 bits); kept elements are scaled by {@code 1/(1-p)}, as torch's dropout
 * does.
 *
 * <p>On the CPU the mask is computed in Java ({@link #hostKeepMask}: a few shifts and products per element, 8
 * elements per vector instruction where the JVM allows it, {@link #VECTOR_KERNEL}) on all cores, written into a
 * libtorch-owned BOOLEAN tensor, and kept for the re-forward with grad of the same inputs ({@link HostMaskCache}).
 * On a GPU it is computed by int64/float64 tensor ops on the device ({@link #chunk}: the bit extraction as an int64
 * {@code mod 2^47} and an exact float64 division), the same values.
 */
public final class DeterministicDropout {

    private static final long P = 1L << 31;
    private static final long SHIFT = 1L << 16;
    private static final long LOW_BITS = 1L << 47;
    private static final int ROUNDS = 3; // fillKept() spells the three rounds out
    /** Elements of the mask computed at once (bounds the int64 intermediates to a few tens of MB). */
    static final int CHUNK = 1 << 18;
    /** Elements one Java task computes. */
    private static final int HOST_TASK = 1 << 16;

    /**
     * Bytes of CPU masks kept at most for re-forwards ({@link HostMaskCache}; a step of the 4-layer hidden-256
     * benchmark model needs ~105 MB). The memory plan counts them up to this ({@code MemoryPlanner}).
     */
    public static final long HOST_MASK_BUDGET_BYTES = 256L << 20;

    /**
     * Whether CPU masks are computed 8 elements at a time ({@link VectorMaskKernel}: the JVM runs with
     * {@code --add-modules jdk.incubator.vector}, as {@code submit/bg2vec} and the tests start it, on a CPU with
     * 512-bit vectors), else one at a time. The same masks either way; the vectorised kernel is about 2.7 times
     * faster (benchmarks-trainer.md).
     */
    static final boolean VECTOR_KERNEL = vectorKernelUsable();

    private static volatile boolean hostMasksOnCpu = true;
    /** CPU masks of passes without grad, kept for their re-forward with grad. */
    private static final HostMaskCache HOST_MASKS = new HostMaskCache(HOST_MASK_BUDGET_BYTES);

    private DeterministicDropout() {
    }

    /**
     * Whether CPU masks are computed in Java (default) or with the tensor ops (as on a GPU); the masks are the
     * same, so this only changes speed. For benchmarks that compare the two in one run.
     */
    public static void setHostMasksOnCpu(boolean onHost) {
        hostMasksOnCpu = onHost;
    }

    /**
     * Whether the module is in this JVM (checked before {@link VectorMaskKernel} is loaded) and the CPU is wide
     * enough.
     */
    private static boolean vectorKernelUsable() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorMaskKernel.fast();
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Which kernel computes CPU masks in this JVM, for the workers' start-up log. */
    public static String hostMaskKernel() {
        return VECTOR_KERNEL ? "CPU dropout masks vectorised (jdk.incubator.vector, 8 long lanes)"
                : "CPU dropout masks one element at a time (the vectorised kernel needs --add-modules"
                + " jdk.incubator.vector and 512-bit vectors)";
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

    /**
     * {@code x} with the elements that the mask of (seed, site) drops set to zero, NOT scaled: the caller folds
     * {@link #keptScale 1/(1-p)} into a smaller product that follows (the LoRA scaling of the rank-r term, the
     * values of attention), which saves a pass over {@code x}. {@code x} itself if p == 0. One product with the
     * mask, which autograd keeps for backward: BOOLEAN (1 byte per element, promoted to x's type inside the product;
     * faster than {@code where} on the CPU), or float32 0/1 where {@link #savedAsFloat} says so.
     */
    public static NDArray zeroDropped(NDArray x, double p, long seed, long site) {
        if (p <= 0) {
            return x;
        }
        DataType type = savedAsFloat(x) ? DataType.FLOAT32 : DataType.BOOLEAN;
        NDArray flat = keepMask(x.getManager(), x.size(), p, seed, site, type);
        NDArray keep = then(flat, f -> f.reshape(x.getShape()));
        return then(keep, x::mul);
    }

    /**
     * Whether the mask of {@code x} is a float32 0/1 tensor rather than BOOLEAN: on the CPU, for a float32 {@code x}
     * while a graph is recorded. The product then needs no conversion of the mask, and neither does its backward,
     * which reads the saved mask again (a BOOLEAN mask is converted to float32 by both, a pass of its own on the
     * CPU); autograd keeps 4 bytes per element instead of 1 (the memory plan counts them, {@code ActivationModel}).
     * A GPU converts inside the product, so it keeps the BOOLEAN mask.
     */
    private static boolean savedAsFloat(NDArray x) {
        return hostMasksOnCpu && !x.getDevice().isGpu() && x.getDataType() == DataType.FLOAT32
                && Autograd.isRecording();
    }

    /** The factor {@code 1/(1-p)} that scales the kept elements of a dropout with probability p (1 for p = 0). */
    public static double keptScale(double p) {
        return 1.0 / (1.0 - p);
    }

    /**
     * The keep mask as a flat BOOLEAN array of {@code n} elements on {@code manager}'s device
     * (true = kept). Public so its statistics can be tested. Computed {@link #CHUNK} elements at a time, each
     * int64 intermediate freed as soon as it is used, so the transient memory is a few tens of MB whatever
     * {@code n} is (the values do not depend on the chunking: each element is a function of its index).
     */
    public static NDArray keepMask(NDManager manager, long n, double p, long seed, long site) {
        return keepMask(manager, n, p, seed, site, DataType.BOOLEAN);
    }

    /**
     * {@link #keepMask} as {@code type}: BOOLEAN, or FLOAT32 0/1 on the CPU's Java path while a graph is recorded
     * ({@link #savedAsFloat}; such a pass takes kept masks and puts none, so the cache only ever holds BOOLEAN masks
     * of 1 byte per element). A kept BOOLEAN mask is converted.
     */
    private static NDArray keepMask(NDManager manager, long n, double p, long seed, long site, DataType type) {
        if (n >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dropout over " + n + " elements: at most 2^31-1 per tensor");
        }
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        long key = key(seed, site);
        long threshold = threshold(p);
        if (hostMasksOnCpu && !manager.getDevice().isGpu()) {
            NDArray mask = HOST_MASKS.get(manager, key, threshold, (int) n,
                    () -> hostKeepMask(manager, (int) n, key, threshold, type));
            return mask.getDataType() == type ? mask : then(mask, m -> m.toType(type, false));
        }
        if (n <= CHUNK) {
            return chunk(manager, 0, (int) n, key, threshold);
        }
        NDList parts = new NDList();
        try (NDManager scratch = manager.newSubManager()) {
            for (long start = 0; start < n; start += CHUNK) {
                parts.add(chunk(scratch, start, (int) Math.min(CHUNK, n - start), key, threshold));
            }
            NDArray mask = NDArrays.concat(parts);
            mask.attach(manager);
            return mask;
        }
    }

    /** The keep mask computed with the tensor ops (what a GPU runs), whatever the device; for tests. */
    static NDArray tensorKeepMask(NDManager manager, long n, double p, long seed, long site) {
        boolean before = hostMasksOnCpu;
        hostMasksOnCpu = false;
        try {
            return keepMask(manager, n, p, seed, site);
        } finally {
            hostMasksOnCpu = before;
        }
    }

    private static long key(long seed, long site) {
        return (splitMix(splitMix(seed) ^ site) & (P - 1)) | 1;
    }

    private static long threshold(double p) {
        return Math.round(p * (1 << 24)) << 7;
    }

    /**
     * The mask computed in Java on all cores, written straight into the memory of a new libtorch-owned BOOLEAN (or
     * FLOAT32 0/1) tensor on {@code manager} (a CPU manager: {@code toByteBuffer(true)} of a contiguous CPU tensor is
     * a view of its memory).
     */
    private static NDArray hostKeepMask(NDManager manager, int n, long key, long threshold, DataType type) {
        NDArray mask = manager.create(new Shape(n), type);
        if (n == 0) {
            return mask;
        }
        ByteBuffer memory = mask.toByteBuffer(true).order(ByteOrder.nativeOrder());
        boolean floats = type == DataType.FLOAT32;
        int tasks = (n + HOST_TASK - 1) / HOST_TASK;
        IntStream range = IntStream.range(0, tasks);
        (tasks > 1 ? range.parallel() : range).forEach(task -> {
            int from = task * HOST_TASK;
            fillKept(memory, floats, from, Math.min(HOST_TASK, n - from), key, threshold, VECTOR_KERNEL);
        });
        return mask;
    }

    /**
     * Elements [from, from + count) of the mask into {@code out} (a native-order buffer) at element position
     * {@code from}: 0/1 bytes, or float32 0/1 when {@code floats}. With {@code vector}, {@link VectorMaskKernel} writes
     * all but the last {@code count mod 8}; the scalar loop writes the rest. The values are the same either way.
     */
    static void fillKept(ByteBuffer out, boolean floats, int from, int count, long key, long threshold,
                         boolean vector) {
        int vectorised = vector ? count - count % VectorMaskKernel.LANES : 0;
        if (vectorised > 0) {
            VectorMaskKernel.fill(out, from, vectorised, key, threshold, floats);
        }
        if (vectorised == count) {
            return;
        }
        int start = from + vectorised;
        byte[] rest = new byte[count - vectorised];
        fillKept(rest, start, key, threshold);
        if (!floats) {
            out.put(start, rest);
            return;
        }
        FloatBuffer values = out.asFloatBuffer();
        for (int j = 0; j < rest.length; j++) {
            values.put(start + j, rest[j]);
        }
    }

    /**
     * Elements [from, from + out.length) of the mask as 0/1 bytes: the class comment's recipe, without branches
     * ({@code (x + y) mod 2^31} is a mask since x + y < 2^32; kept iff {@code threshold - 1 - v} is negative), so
     * the random keep/drop pattern costs no branch mispredictions ({@link #chunk} computes the same with tensors).
     */
    private static void fillKept(byte[] out, long from, long key, long threshold) {
        long y = (from * key) & (P - 1); // index·key < 2^62, non-negative: mod 2^31; then + key per element
        for (int j = 0; j < out.length; j++) {
            long x = (y * y + y) >>> 16 & (P - 1);
            x = (x * x + y + key) >>> 16 & (P - 1);
            x = (x * x + y) >>> 16 & (P - 1);
            out[j] = (byte) ((threshold - 1 - ((x + y) & (P - 1))) >>> 63);
            y = (y + key) & (P - 1);
        }
    }

    /** Elements [start, start + count) of the mask, on {@code manager}; intermediates are closed as they go. */
    private static NDArray chunk(NDManager manager, long start, int count, long key, long threshold) {
        try (NDManager scratch = manager.newSubManager()) {
            // arange over [0, count) (exact in float32, which DJL passes) shifted by start in int64
            NDArray index = then(scratch.arange(0, count, 1, DataType.INT64), i -> i.add(start));
            NDArray y = then(then(index, i -> i.mul(key)), v -> v.mod(P));
            NDArray z = y.add(key);
            NDArray x = y;
            for (int r = 0; r < ROUNDS; r++) {
                NDArray w = r % 2 == 0 ? y : z;
                NDArray previous = x;
                // t < 2^62 + 2^32; t mod 2^47 < 2^47 is exact in float64, and so is its division by 2^16
                NDArray low = then(then(x.mul(x), v -> v.add(w)), v -> v.mod(LOW_BITS));
                NDArray shifted = then(then(low, v -> v.toType(DataType.FLOAT64, false)), v -> v.div((double) SHIFT));
                x = then(then(shifted, NDArray::floor), v -> v.toType(DataType.INT64, false)); // bits 16..46
                if (previous != y) {
                    previous.close();
                }
            }
            NDArray sum = x.add(y);                        // < 2^32
            x.close();
            NDArray over = then(sum.gte(P), v -> v.toType(DataType.INT64, false));
            NDArray wrapped = then(then(over, v -> v.mul(P)), v -> sum.sub(v));    // mod 2^31
            NDArray keep = then(wrapped, v -> v.gte(threshold));
            keep.attach(manager);
            return keep;
        }
    }

    /**
     * {@code op(in)}, closing the handle {@code in} (an intermediate nobody else uses; if autograd saved it,
     * libtorch keeps the tensor by reference).
     */
    private static NDArray then(NDArray in, UnaryOperator<NDArray> op) {
        NDArray out = op.apply(in);
        in.close();
        return out;
    }

    private static long splitMix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
