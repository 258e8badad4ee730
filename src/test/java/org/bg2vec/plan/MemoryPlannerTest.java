package org.bg2vec.plan;

import org.bg2vec.model.MistralConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryPlannerTest {

    private static MistralConfig shape(int vocab, int hidden, int mlp, int layers, int heads, int kv) {
        return new MistralConfig(vocab, hidden, mlp, layers, heads, kv, 1e-5, 10000.0, 4096, 1, 2, null, 0.0, null);
    }

    static final MistralConfig MISTRAL_7B = shape(32000, 4096, 14336, 32, 32, 8);
    static final MistralConfig LLAMA2_13B = shape(32000, 5120, 13824, 40, 40, 40);
    static final MistralConfig TINYLLAMA = shape(32000, 2048, 5632, 22, 32, 4);

    private static PlanRequest request(MistralConfig m, int bytes, int micro) {
        return new PlanRequest(m, bytes, 128, micro, 128, 1, 16, true, true, 0, true, Objective.SIMCSE);
    }

    @Test
    void parameterCountsAreThePublishedOnesWithoutTheLmHead() {
        // published totals (HF model cards / num_parameters()) include lm_head = vocab x hidden, which bg2vec never loads
        assertEquals(7_241_732_096L, MemoryPlanner.baseParameters(MISTRAL_7B) + 32000L * 4096);
        assertEquals(13_015_864_320L, MemoryPlanner.baseParameters(LLAMA2_13B) + 32000L * 5120);
        assertEquals(1_100_048_384L, MemoryPlanner.baseParameters(TINYLLAMA) + 32000L * 2048);
        // PEFT's "trainable params" for r=16 on all seven projections of Mistral-7B
        assertEquals(41_943_040L, MemoryPlanner.loraParameters(MISTRAL_7B, 16));
    }

    @Test
    void theBgGptConfigInConfHasItsShapes() throws Exception {
        MistralConfig c = MistralConfig.load(Path.of("conf/models/bggpt-7b/config.json"));
        assertEquals(38000, c.vocabSize());
        // Mistral-7B's published total, less its lm_head (32000 x 4096), plus 6000 more embedding rows
        assertEquals(7_241_732_096L - 32000L * 4096 + 6000L * 4096, MemoryPlanner.baseParameters(c));
    }

    @Test
    void activationsOfATinyLayerByHand() {
        // H 64, MLP 176, 4 heads of 16 on 2 kv heads, L 8, r 4, fp32, both dropouts:
        //   norms 8·L·H = 4096; LoRA 5·L·(3H + Q + 2H + I) = 5·8·560 = 22400; rank products 28·L·r = 896;
        //   q, k, v copies 4·L·(Q + 2KV) = 4·8·128 = 4096; probabilities (4 + 1 + 4)·n·L² = 9·256 = 2304;
        //   MLP 4·4·L·I = 16·1408 = 22528
        ActivationModel a = new ActivationModel(shape(100, 64, 176, 2, 4, 2), 8, 4, 4, true, true, false);
        assertEquals(4096 + 22400 + 896 + 4096 + 2304 + 22528, a.savedPerLayer());
        assertEquals(4 * 8 * 64, a.layerInput());
        // fp16: norms and LoRA inputs stay float32; copies, probabilities (4 + 1 + 2) and the MLP (4·2) shrink
        ActivationModel h = new ActivationModel(shape(100, 64, 176, 2, 4, 2), 8, 2, 4, true, true, false);
        assertEquals(4096 + 22400 + 896 + 2048 + 7 * 256 + 8 * 1408, h.savedPerLayer());
        // without dropout in fp32, q/k/v share their float32 input, gate/up theirs: 4·L·(H + Q + H + I)
        ActivationModel noDrop = new ActivationModel(shape(100, 64, 176, 2, 4, 2), 8, 4, 4, false, false, false);
        assertEquals(4096 + 4 * 8 * (64 + 64 + 64 + 176) + 896 + 4096 + 4 * 256 + 22528, noDrop.savedPerLayer());
        // the CPU keeps float32 masks of float32 tensors: LoRA (4 + 4)·8·560 = 35840, probabilities (4 + 4 + 4)·256;
        // in fp16 the probabilities are fp16, their mask stays BOOLEAN: (4 + 1 + 2)·256
        ActivationModel cpu = new ActivationModel(shape(100, 64, 176, 2, 4, 2), 8, 4, 4, true, true, true);
        assertEquals(4096 + 35840 + 896 + 4096 + 12 * 256 + 22528, cpu.savedPerLayer());
        ActivationModel cpuHalf = new ActivationModel(shape(100, 64, 176, 2, 4, 2), 8, 2, 4, true, true, true);
        assertEquals(4096 + 35840 + 896 + 2048 + 7 * 256 + 8 * 1408, cpuHalf.savedPerLayer());
    }

    @Test
    void theCpuPlanCountsTheKeptDropoutMasksOfTheWholeSliceUpToTheCacheBudget() {
        // H 64, MLP 176, 4 heads on 2 kv heads, L 8: LoRA masks L·(3H + Q + 2H + I) = 8·560, attention n·L² = 256
        MistralConfig tiny = shape(100, 64, 176, 2, 4, 2);
        assertEquals(8 * 560 + 256, new ActivationModel(tiny, 8, 4, 4, true, true, false).dropoutMasksPerLayer());
        assertEquals(8 * 560, new ActivationModel(tiny, 8, 4, 4, true, false, false).dropoutMasksPerLayer());
        // global batch 12 on 2 workers: a slice of 6 samples, both views, 2 layers: 24 sample-layers of masks, less
        // those the first re-forward (micro-batch 3) has taken into its activations: 2 layers' or with recomputation 1
        long perLayer = 8 * 560 + 256;
        PlanRequest cpu = new PlanRequest(tiny, 4, 8, 3, 12, 2, 4, true, true, 0, false, Objective.SIMCSE);
        assertEquals((24 - 3 * 2) * perLayer, item(MemoryPlanner.plan(cpu, false), "dropout masks"));
        assertEquals((24 - 3) * perLayer, item(MemoryPlanner.plan(cpu, true), "dropout masks"));
        // MNTP has a pass without grad only with recomputation: one micro-batch of one view
        PlanRequest mntp = new PlanRequest(tiny, 4, 8, 3, 12, 2, 4, true, true, 0, false, Objective.mntp(false, 0.2));
        assertEquals(0, item(MemoryPlanner.plan(mntp, false), "dropout masks"));
        assertEquals((3 * 2 - 3) * perLayer, item(MemoryPlanner.plan(mntp, true), "dropout masks"));
        // at 7B widths a slice of 128 needs far more than the cache keeps: the budget
        PlanRequest big = new PlanRequest(MISTRAL_7B, 4, 128, 8, 128, 1, 16, true, true, 0, false, Objective.SIMCSE);
        assertEquals(org.bg2vec.model.DeterministicDropout.HOST_MASK_BUDGET_BYTES,
                item(MemoryPlanner.plan(big, true), "dropout masks"));
        // no cache on a GPU
        assertEquals(0, item(MemoryPlanner.plan(request(MISTRAL_7B, 2, 8), true), "dropout masks"));
    }

    @Test
    void onTheCpuTheUpdateFollowsTheFreedActivationsAndABackwardHoldsOnlyTheEarlierPartialSums() {
        long lora = 41_943_040L; // r=16 on Mistral-7B
        // slice 128 in micro-batches of 8: 16 micro-batches; a backward holds floor(log2 16) = 4 partial sums
        PlanRequest cpu = new PlanRequest(MISTRAL_7B, 4, 128, 8, 128, 1, 16, true, true, 0, false, Objective.SIMCSE);
        MemoryPlan c = MemoryPlanner.plan(cpu, true);
        assertEquals(12 * lora, item(c, "AdamW m, v and master values (fp32)"));
        assertEquals(4 * 4 * lora, item(c, "flat gradients: the tree sum's partial sums"));
        assertEquals(0, item(c, "the update"), "the update's 200 MiB fit in the freed activations");
        // one micro-batch: no partial sum during the backward
        assertEquals(0, item(MemoryPlanner.plan(cpu.withMicroBatch(128), true), "flat gradients"));
        // a tiny model's activations are smaller than the summed gradient + the update's temporaries
        PlanRequest tiny = new PlanRequest(shape(100, 64, 176, 2, 4, 2), 4, 8, 1, 1, 1, 4, true, true, 0, false,
                Objective.SIMCSE);
        MemoryPlan t = MemoryPlanner.plan(tiny, false);
        long tinyLora = MemoryPlanner.loraParameters(tiny.model(), 4);
        long freed = item(t, "activations") + 4 * tinyLora;
        assertEquals(4 * tinyLora + MemoryPlanner.OPTIMIZER_TEMPORARIES - freed, item(t, "the update"));
        // the GPU plan counts all of it on top: log2(16) + 2 flat vectors and the temporaries
        MemoryPlan g = MemoryPlanner.plan(request(MISTRAL_7B, 2, 8), true);
        assertEquals(12 * lora + MemoryPlanner.OPTIMIZER_TEMPORARIES, item(g, "AdamW"));
        assertEquals(6 * 4 * lora, item(g, "flat gradients: tree sum over micro-batches"));
    }

    private static long item(MemoryPlan plan, String prefix) {
        return plan.device().stream().filter(i -> i.name().startsWith(prefix)).mapToLong(MemoryPlan.Item::bytes).sum();
    }

    @Test
    void eachLayerAddsItsSavedTensorsOrWithRecomputationOnlyItsInput() {
        for (MistralConfig m : new MistralConfig[]{MISTRAL_7B, LLAMA2_13B, TINYLLAMA}) {
            for (int bytes : new int[]{2, 4}) {
                ActivationModel a = new ActivationModel(m, 128, bytes, 16, true, true, false);
                MistralConfig deeper = shape(m.vocabSize(), m.hiddenSize(), m.intermediateSize(),
                        m.numHiddenLayers() + 1, m.numAttentionHeads(), m.numKeyValueHeads());
                ActivationModel b = new ActivationModel(deeper, 128, bytes, 16, true, true, false);
                assertEquals(a.savedPerLayer(), b.perSample(false) - a.perSample(false));
                assertEquals(a.layerInput(), b.perSample(true) - a.perSample(true));
                assertTrue(a.perSample(true) * 5 < a.perSample(false), "several times smaller with recomputation");
            }
        }
    }

    @Test
    void autoPicksTheLargestDivisorOfTheSliceThatFits() {
        PlanRequest r = new PlanRequest(MISTRAL_7B, 2, 128, 1, 96, 2, 16, true, true, 0, true, Objective.SIMCSE); // slice 48
        long capacity = MemoryPlanner.plan(r.withMicroBatch(7), false).peak(); // 7 fits exactly, 8 does not
        assertEquals(7, MemoryPlanner.largestFitting(r, false, capacity));
        assertEquals(6, MemoryPlanner.autoMicroBatch(r, false, capacity), "6 is the largest divisor of 48 <= 7");
        assertFalse(MemoryPlanner.plan(r.withMicroBatch(8), false).fits(capacity));
        assertEquals(0, MemoryPlanner.autoMicroBatch(r, false, MemoryPlanner.plan(r, false).peak() - 1));
        assertTrue(MemoryPlanner.autoMicroBatch(r, true, capacity) > 6, "recomputation fits more");
    }

    @Test
    void nclAndTheCudaReserveOnlyOnGpusAndTheLoadPeakCountsTheAdapter() {
        PlanRequest gpu = new PlanRequest(MISTRAL_7B, 2, 128, 8, 128, 4, 16, true, true, 41_943_040L, true, Objective.SIMCSE);
        PlanRequest cpu = new PlanRequest(MISTRAL_7B, 4, 128, 8, 128, 4, 16, true, true, 41_943_040L, false, Objective.SIMCSE);
        MemoryPlan g = MemoryPlanner.plan(gpu, true);
        MemoryPlan c = MemoryPlanner.plan(cpu, true);
        assertTrue(g.device().stream().anyMatch(i -> i.name().startsWith("NCCL")));
        assertTrue(g.device().stream().anyMatch(i -> i.name().startsWith("CUDA")));
        assertTrue(c.device().stream().noneMatch(i -> i.name().startsWith("NCCL") || i.name().startsWith("CUDA")));
        long weights = MemoryPlanner.baseParameters(MISTRAL_7B) * 2;
        assertTrue(g.beforeTraining() >= weights + 4 * 41_943_040L, "the adapter is merged in float32");
        assertEquals(g.total(), g.device().stream().mapToLong(MemoryPlan.Item::bytes).sum());
    }

    @Test
    void mntpKeepsTheLmHeadAndTheLogitsOfItsLabelledPositionsInsteadOfGradCache() throws Exception {
        MistralConfig bggpt = MistralConfig.load(Path.of("conf/models/bggpt-7b/config.json"));
        PlanRequest simcse = new PlanRequest(bggpt, 2, 512, 8, 32, 4, 16, true, false, 0, true, Objective.SIMCSE);
        PlanRequest trained = new PlanRequest(bggpt, 2, 512, 8, 32, 4, 16, true, false, 0, true,
                Objective.mntp(true, 0.8));
        PlanRequest frozen = new PlanRequest(bggpt, 2, 512, 8, 32, 4, 16, true, false, 0, true,
                Objective.mntp(false, 0.8));
        long head = 38000L * 4096 * 4; // lm_head [vocab, hidden] in float32
        long positions = 3271; // ceil(8 samples x 511 predicted positions x 0.8)
        long logits = 3L * positions * 38000 * 4;
        long gradCache = 32L * 32 * 4096 + 24L * 32 * 32;
        for (boolean recompute : new boolean[]{false, true}) {
            MemoryPlan s = MemoryPlanner.plan(simcse, recompute);
            MemoryPlan t = MemoryPlanner.plan(trained, recompute);
            MemoryPlan f = MemoryPlanner.plan(frozen, recompute);
            // the NCCL scratch holds the flat gradient, which includes the trained head
            long scratch = 4 * (MemoryPlanner.loraParameters(bggpt, 16) + 38000L * 4096)
                    - Math.max(4 * MemoryPlanner.loraParameters(bggpt, 16), 4L * (8 + 32) * 4096);
            // a trained head is optimised on the device: AdamW's master, m and v, and two flat gradient vectors
            // (one micro-batch per slice: the tree sum's result and the next micro-batch's gradient)
            long optimiser = (12 + 2 * 4) * 38000L * 4096;
            // a SimCSE slice of one micro-batch without recomputation keeps both views' graphs (MNTP has one view)
            long onePass = item(s, "activations") - item(f, "activations") + item(s, "CUDA") - item(f, "CUDA");
            assertEquals(!recompute, onePass > 0, "SimCSE's one pass holds both views' graphs");
            assertEquals(s.total() - onePass - gradCache + 2 * head + logits + scratch + optimiser, t.total(),
                    "trained head");
            assertEquals(s.total() - onePass - gradCache + head + logits, f.total(), "frozen head");
            long hostS = s.host().stream().mapToLong(MemoryPlan.Item::bytes).sum();
            assertEquals(hostS, f.host().stream().mapToLong(MemoryPlan.Item::bytes).sum(), "a frozen head is not optimised");
            assertEquals(hostS + 12L * 38000 * 4096, t.host().stream().mapToLong(MemoryPlan.Item::bytes).sum(),
                    "checkpoint copies of the trained head's AdamW state");
        }
        assertEquals(positions, MemoryPlanner.labelledPositions(trained));
    }

    @Test
    void simcseWithASliceOfOneMicroBatchKeepsBothViewsGraphsAndNoMasks() {
        PlanRequest one = new PlanRequest(MISTRAL_7B, 4, 128, 8, 16, 2, 16, true, true, 0, false, Objective.SIMCSE);
        PlanRequest two = one.withMicroBatch(4);
        ActivationModel a = one.activations();
        MemoryPlan kept = MemoryPlanner.plan(one, false);
        assertEquals(8 * (2 * (MISTRAL_7B.numHiddenLayers() * a.savedPerLayer() + a.head())
                + Math.max(a.forwardTransient(), a.backwardTransient())), item(kept, "activations"));
        assertEquals(0, item(kept, "dropout masks"), "no pass without grad keeps masks for a re-forward");
        MemoryPlan reForward = MemoryPlanner.plan(two, false);
        assertEquals(4 * Math.max(a.perSample(false), a.perSampleWithoutGrad()), item(reForward, "activations"));
        assertTrue(item(reForward, "dropout masks") > 0);
        MemoryPlan recomputed = MemoryPlanner.plan(one, true);
        assertEquals(8 * Math.max(a.perSample(true), a.perSampleWithoutGrad()), item(recomputed, "activations"),
                "with recomputation the step re-forwards one view at a time");
    }
}
