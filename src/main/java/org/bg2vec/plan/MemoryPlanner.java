package org.bg2vec.plan;

import org.bg2vec.format.SafetensorsFile;
import org.bg2vec.model.DeterministicDropout;
import org.bg2vec.model.LoraConfig;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.model.MistralWeights;
import org.bg2vec.train.GradCacheStep;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Plans the memory of one training worker from the model's shapes and the training settings, before any GPU
 * is held: what bg2vec's training keeps on the device at its peak, and the largest {@code micro_batch_size}
 * that fits. Items (per worker):
 * <ul>
 *   <li>base weights in the compute type (embedding + layers + norms; {@code lm_head} only for MNTP, below);</li>
 *   <li>the trained LoRA's values and gradients, float32, and AdamW's state and the flat gradients on the device too
 *       (the optimizer runs as tensor operations there; the host holds copies only while a checkpoint is saved;
 *       what of it is held at the same time as the activations: {@code optimizerItems});</li>
 *   <li>activations of one micro-batch's gradient pass ({@link ActivationModel}): every layer's saved tensors,
 *       or with recomputation the layer inputs plus one layer's graph; plus the worst transient; SimCSE with a slice
 *       of one micro-batch and no recomputation keeps both views' graphs at once ({@code keepsGraphs});</li>
 *   <li>the objective's own ({@link Objective}): SimCSE's GradCache keeps the gathered global batch of embeddings,
 *       their gradients and the loss, float32; MNTP keeps the float32 LM head (its gradient too when trained, which
 *       then also counts in the optimizer's state) and the logits of the labelled positions;</li>
 *   <li>on the CPU, the dropout masks that the passes without grad keep for their re-forward with grad
 *       ({@code hostMasks}), at most {@link DeterministicDropout#HOST_MASK_BUDGET_BYTES};</li>
 *   <li>collectives: on GPUs with several workers NCCL's device scratch (the gradient, float32) and its own
 *       buffers (assumed {@link #NCCL_BUFFERS});</li>
 *   <li>on a GPU a reserve: the CUDA context and cuBLAS workspaces ({@link #CUDA_CONTEXT}) and the caching
 *       allocator's slack ({@link #ALLOCATOR_SLACK} of activations and transients).</li>
 * </ul>
 * Before training, not at the same time: loading reads each tensor through a staging chunk, and the MNTP merge
 * holds the adapter in float32 plus one block of rows ({@link MistralWeights#merge}). On the CPU the plan is
 * the process's native memory beyond its baseline (libtorch loaded), with the loader's staging buffer.
 */
public final class MemoryPlanner {

    /** CUDA context, kernels and cuBLAS workspaces per process (an assumption to check on the GPU). */
    public static final long CUDA_CONTEXT = 1L << 30;
    /** Fraction of activations and transients added for the CUDA caching allocator's rounding and slack. */
    public static final double ALLOCATOR_SLACK = 0.10;
    /** AdamW's and the norm's temporaries: one chunk of 2^20 values at about 32 bytes each, plus slack. */
    public static final long OPTIMIZER_TEMPORARIES = 40L << 20;
    /** NCCL's own buffers per GPU with several workers (NCCL_BUFFSIZE × channels × peers; assumed). */
    public static final long NCCL_BUFFERS = 512L << 20;

    private MemoryPlanner() {
    }

    /** The plan of {@code r} with recomputation on or off. */
    public static MemoryPlan plan(PlanRequest r, boolean recompute) {
        ActivationModel a = r.activations();
        int b = r.microBatch();
        long weights = baseParameters(r.model()) * r.computeBytes();
        long lora = loraParameters(r.model(), r.loraR());
        long trained = lora + (r.objective().trainLmHead() ? lmHeadParameters(r.model()) : 0);
        boolean onePass = keepsGraphs(r, recompute);
        long activations = (long) b * (onePass ? a.bothViewsPerSample()
                : Math.max(a.perSample(recompute), a.perSampleWithoutGrad()));
        List<MemoryPlan.Item> device = new ArrayList<>();
        device.add(new MemoryPlan.Item(String.format(Locale.ROOT, "base weights (%s, %.2f G parameters)",
                r.computeBytes() == 2 ? "fp16" : "fp32", baseParameters(r.model()) / 1e9), weights));
        device.add(new MemoryPlan.Item(String.format(Locale.ROOT, "LoRA r=%d values + gradients (fp32, %.1f M)",
                r.loraR(), lora / 1e6), 8 * lora));
        device.add(new MemoryPlan.Item(String.format(Locale.ROOT, "activations: micro-batch %d x %s", b,
                recompute ? "(layer inputs + one layer)" : onePass ? "(all layers, both views: one pass, no re-forward)"
                        : "(all layers)"), activations));
        device.addAll(objectiveItems(r));
        device.addAll(optimizerItems(r, trained, activations + 4 * lora));
        long masks = r.gpu() ? 0 : hostMasks(r, recompute);
        if (masks > 0) {
            device.add(new MemoryPlan.Item("dropout masks kept for the re-forward (CPU, 1 byte per element)", masks));
        }
        if (r.gpu() && r.workers() > 1) {
            long scratch = Math.max(4 * trained, 4L * (r.slice() + r.globalBatch()) * r.model().hiddenSize());
            device.add(new MemoryPlan.Item("NCCL: gradient scratch + communicator buffers", scratch + NCCL_BUFFERS));
        }
        if (r.gpu()) {
            device.add(new MemoryPlan.Item("CUDA context + allocator reserve",
                    CUDA_CONTEXT + (long) (ALLOCATOR_SLACK * activations)));
        }
        // loading: the float32 staging window and its conversion; merging: the adapter in float32 and one block
        long window = SafetensorsFile.DEFAULT_CHUNK_BYTES;
        long loadChunk = window + window / 4 * r.computeBytes();
        long merge = 4 * r.mntpParams() + MistralWeights.MERGE_CHUNK * (8 + r.computeBytes());
        // on the CPU the window is native memory that lingers until the next garbage collection
        long before = weights + (r.gpu() ? CUDA_CONTEXT + Math.max(loadChunk, merge) : Math.max(loadChunk, merge + window));
        List<MemoryPlan.Item> host = List.of(
                new MemoryPlan.Item("checkpoint copies of master, m, v (rank 0, while saving; JVM heap)", 12 * trained));
        return new MemoryPlan(r, recompute, List.copyOf(device), before, host);
    }

    /**
     * SimCSE: the gathered global batch of embeddings, their gradients and the loss. MNTP: the float32 LM head
     * (and its gradient when trained) and the logits of one micro-batch's labelled positions, about three
     * [positions, vocab] float32 tensors at once (logits, log-softmax, their gradient).
     */
    private static List<MemoryPlan.Item> objectiveItems(PlanRequest r) {
        Objective o = r.objective();
        if (!o.mntp()) {
            long gradCache = 32L * r.globalBatch() * r.model().hiddenSize() + 24L * r.globalBatch() * r.globalBatch();
            return List.of(new MemoryPlan.Item("GradCache: gathered embeddings, gradients, loss", gradCache));
        }
        long head = 4 * lmHeadParameters(r.model());
        long positions = labelledPositions(r);
        return List.of(
                new MemoryPlan.Item(o.trainLmHead() ? "MNTP lm_head, trained: fp32 values + gradients"
                        : "MNTP lm_head, frozen: fp32 values", o.trainLmHead() ? 2 * head : head),
                new MemoryPlan.Item(String.format(Locale.ROOT, "MNTP logits of %d labelled positions (3 x fp32)",
                        positions), 3 * 4 * positions * r.model().vocabSize()));
    }

    /**
     * AdamW's state and the flat gradients. The tree sum holds at most floor(log2(micro-batches)) + 1 partial sums,
     * plus the next micro-batch's gradient. On a GPU all of it and the update's temporaries
     * ({@link #OPTIMIZER_TEMPORARIES}) are counted on top of the gradient pass (the caching allocator may not reuse
     * the freed activations' blocks for them; an assumption until measured there). On the CPU, where freed memory
     * goes back to the system, what is held at once is counted, as measured (benchmarks-memory.md): during a
     * backward only the partial sums of the earlier micro-batches (floor(log2(micro-batches)) at most); the
     * summed gradient and the update's temporaries only after the last backward has freed {@code freedAfterPass}
     * (the activations and the parameters' own gradients), so only what exceeds that.
     */
    private static List<MemoryPlan.Item> optimizerItems(PlanRequest r, long trained, long freedAfterPass) {
        int microBatches = Math.max(1, r.slice() / Math.max(1, r.microBatch()));
        int log2 = 31 - Integer.numberOfLeadingZeros(microBatches);
        if (r.gpu()) {
            return List.of(new MemoryPlan.Item("AdamW m, v and master values (fp32) + update temporaries",
                            12 * trained + OPTIMIZER_TEMPORARIES),
                    new MemoryPlan.Item("flat gradients: tree sum over micro-batches (fp32)",
                            4 * trained * (log2 + 2)));
        }
        List<MemoryPlan.Item> items = new ArrayList<>();
        items.add(new MemoryPlan.Item("AdamW m, v and master values (fp32)", 12 * trained));
        if (log2 > 0) {
            items.add(new MemoryPlan.Item("flat gradients: the tree sum's partial sums during a backward (fp32)",
                    4 * trained * log2));
        }
        long update = 4 * trained + OPTIMIZER_TEMPORARIES - freedAfterPass;
        if (update > 0) {
            items.add(new MemoryPlan.Item("the update: summed gradient + temporaries beyond the freed activations",
                    update));
        }
        return items;
    }

    /**
     * The CPU's dropout masks kept between a pass without grad and its re-forward with grad (HostMaskCache), up to
     * its budget: SimCSE's first pass embeds the whole slice, both views, before any re-forward, so all their masks
     * (every layer) are held at once; MNTP has a pass without grad only with recomputation, one micro-batch's.
     * The re-forward takes the masks it reads out of the cache into the activations, which count them: at the
     * peak (the first backward) one micro-batch's masks of every layer, or with recomputation of one layer.
     */
    static long hostMasks(PlanRequest r, boolean recompute) {
        if (keepsGraphs(r, recompute)) {
            return 0;
        }
        long samples = r.objective().mntp() ? (recompute ? r.microBatch() : 0) : 2L * r.slice();
        if (samples == 0) {
            return 0;
        }
        long layers = r.model().numHiddenLayers();
        long inActivations = (long) r.microBatch() * (recompute ? 1 : layers);
        long masks = (samples * layers - inActivations) * r.activations().dropoutMasksPerLayer();
        return Math.min(masks, DeterministicDropout.HOST_MASK_BUDGET_BYTES);
    }

    /**
     * Whether SimCSE's step keeps the graphs of both views instead of re-embedding ({@code GradCacheStep}): a slice of
     * one micro-batch without recomputation. Then no pass runs without grad (no CPU masks are kept for a re-forward)
     * and both views' graphs are held at once.
     */
    static boolean keepsGraphs(PlanRequest r, boolean recompute) {
        return !r.objective().mntp() && GradCacheStep.keepsGraphs(r.slice(), r.microBatch(), !recompute);
    }

    /** MNTP's labelled positions in one micro-batch: {@code mlm_probability} of the seqLen - 1 predicted ones. */
    static long labelledPositions(PlanRequest r) {
        return (long) Math.ceil(r.microBatch() * (r.seqLen() - 1) * r.objective().labelFraction());
    }

    /** Values of the causal LM head [vocab, hidden] (MNTP). */
    public static long lmHeadParameters(MistralConfig c) {
        return (long) c.vocabSize() * c.hiddenSize();
    }

    /** The largest micro-batch (any size, up to the slice) whose plan fits {@code capacity}, or 0 if none. */
    public static int largestFitting(PlanRequest r, boolean recompute, long capacity) {
        int best = 0;
        for (int b = 1; b <= r.slice(); b++) {
            if (!plan(r.withMicroBatch(b), recompute).fits(capacity)) {
                break;
            }
            best = b;
        }
        return best;
    }

    /**
     * {@code micro_batch_size: "auto"}: the largest divisor of the slice ({@code global_batch_size / workers})
     * whose plan fits, since micro-batches must tile the slice; 0 if not even 1 fits.
     */
    public static int autoMicroBatch(PlanRequest r, boolean recompute, long capacity) {
        for (int b = r.slice(); b >= 1; b--) {
            if (r.slice() % b == 0 && plan(r.withMicroBatch(b), recompute).fits(capacity)) {
                return b;
            }
        }
        return 0;
    }

    /** Parameters of the base as bg2vec loads it (no lm_head). */
    public static long baseParameters(MistralConfig c) {
        long n = 0;
        for (long[] shape : MistralWeights.expectedShapes(c).values()) {
            n += shape.length == 1 ? shape[0] : shape[0] * shape[1];
        }
        return n;
    }

    /** Values of a rank-{@code r} LoRA on all seven projections of every layer. */
    public static long loraParameters(MistralConfig c, int r) {
        return loraParameters(c, r, module -> true);
    }

    /** Values of the adapter {@code a} (its rank, on the projections it targets). */
    public static long loraParameters(MistralConfig c, LoraConfig a) {
        return loraParameters(c, a.r(), a::targets);
    }

    private static long loraParameters(MistralConfig c, int r, Predicate<String> wraps) {
        long n = 0;
        for (Map.Entry<String, long[]> e : MistralWeights.expectedShapes(c).entrySet()) {
            long[] s = e.getValue();
            String module = e.getKey().substring(0, e.getKey().length() - ".weight".length());
            if (s.length == 2 && !module.equals("embed_tokens") && wraps.test(module)) {
                n += (long) r * (s[0] + s[1]);
            }
        }
        return n;
    }
}
