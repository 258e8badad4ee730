package org.bg2vec.plan;

import org.bg2vec.model.MistralConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Bytes that one sample of {@code L} tokens costs in one decoder layer of {@link org.bg2vec.model.MistralEncoder}'s
 * training forward, derived op by op from what autograd saves for backward in OUR forward (and what else is
 * alive at the worst moment). Every tensor below the layer is freed when its layer (or block) returns, so
 * nothing else outlives a layer. With {@code c} = bytes of the compute type (2 for fp16, 4 for fp32),
 * {@code H} = hidden, {@code I} = MLP width, {@code Q} = query width (= H), {@code KV} = key/value width,
 * {@code n} = query heads, {@code r} = LoRA rank, and LoRA on all seven projections:
 *
 * <pre>
 * saved for backward (kept from the layer's forward until its backward):
 *   2 RMSNorms        x in float32, read by square and div                            2 · 4·L·H
 *   LoRA, per proj.   dropout on:  the mask (m: 1 BOOLEAN on a GPU, 4 float32 on the
 *                     CPU) + the dropped float32 input (4)                               (m + 4)·L·in
 *   (in = H for q,k,v,  dropout off: the float32 input (fp32 compute: the projection's
 *    o,gate,up; I for   own input, shared by q/k/v and gate/up; fp16: one cast per
 *    down)              projection, as PEFT casts per layer)                            4·L·in
 *                     rank-r product read by B's matmul                                 4·L·r
 *   attention         q (copied to [B, kv, g·L, d]) and the k, v copies the batched
 *                     matmuls keep                                                      c·L·(Q + 2·KV)
 *                     softmax output, float32                                           4·n·L²
 *                     attention dropout on: the mask (1; the CPU in fp32: 4) + dropped
 *                     probabilities                                                     (m' + c)·n·L²
 *                     dropout off: fp16 keeps the cast probabilities (fp32: the same)   c·n·L² or 0
 *   MLP               gate, sigmoid(gate), silu(gate), up (two products keep both sides) 4·c·L·I
 * not kept: casts (copy_ keeps neither side), frozen projections (no weight gradient, so
 * their input is not saved), RoPE (its cos/sin tables are shared constants), residual adds.
 *
 * alive besides the saved tensors, at the worst moment of one layer:
 *   forward           the layer's handles x, h, y, h2 (fp16; fp32 keeps x, y anyway)  8·L·H
 *                     + the larger block: down_proj's LoRA term (product c, its float32
 *                     copy 4 in fp16, the masked input 4, the float32 mask product
 *                     makes on the fly 4) or the attention block (projections and RoPE
 *                     intermediates ~8·c·L·Q, scores and probabilities (2c + 9)·n·L²)
 *   backward          the input gradient of down_proj through the frozen weight (c) and
 *                     its LoRA path (8), less the dropped input released on the way   (c + 4)·L·I + 4·L·H
 *   without grad      (GradCache's first pass, recomputation's forward) the MLP block:
 *                     max(gate, up, sigmoid, silu alive: 4c; down_proj's LoRA term)   + 8·L·H
 * the head: the final RMSNorm's float32 input                                          4·L·H
 * recomputation keeps each layer's input (and the last output) instead                c·L·H per layer
 * </pre>
 * Checked at the real 7B widths against the measured process memory (benchmarks-memory.md).
 *
 * @param model             the model's shapes
 * @param seqLen            tokens per sample (the padded length: max_seq_length at worst)
 * @param computeBytes      2 (fp16) or 4 (fp32)
 * @param loraR             rank of the trained LoRA (on all seven projections)
 * @param loraDropout       whether LoRA dropout is on
 * @param attentionDropout  whether attention-probability dropout is on
 * @param floatMasks        whether autograd keeps the dropout masks of float32 tensors as float32 0/1 (the CPU,
 *                          {@code DeterministicDropout}) rather than BOOLEAN (a GPU)
 */
public record ActivationModel(MistralConfig model, int seqLen, int computeBytes, int loraR, boolean loraDropout,
                              boolean attentionDropout, boolean floatMasks) {

    public ActivationModel {
        if (computeBytes != 2 && computeBytes != 4) {
            throw new IllegalArgumentException("compute bytes must be 2 (fp16) or 4 (fp32), got " + computeBytes);
        }
        if (seqLen < 1 || loraR < 1) {
            throw new IllegalArgumentException("sequence length and LoRA rank must be >= 1");
        }
    }

    /** One named term of {@link #savedTerms()}. */
    public record Term(String name, long bytes) {
    }

    private long l() {
        return seqLen;
    }

    private long lh() {
        return l() * model.hiddenSize();
    }

    private long li() {
        return l() * model.intermediateSize();
    }

    private long q() {
        return (long) model.numAttentionHeads() * model.headDim();
    }

    private long kv() {
        return (long) model.numKeyValueHeads() * model.headDim();
    }

    private long scores() {
        return (long) model.numAttentionHeads() * l() * l();
    }

    /** What autograd saves per sample in one layer, term by term (see the class comment). */
    public List<Term> savedTerms() {
        int c = computeBytes;
        long h = model.hiddenSize();
        List<Term> t = new ArrayList<>();
        t.add(new Term("RMSNorm inputs (float32)", 2 * 4 * lh()));
        long loraInputs;
        if (loraDropout) {
            loraInputs = (floatMasks ? 8 : 5) * l() * (3 * h + q() + 2 * h + model.intermediateSize());
        } else if (c == 4) {
            loraInputs = 4 * l() * (h + q() + h + model.intermediateSize()); // shared by q/k/v and by gate/up
        } else {
            loraInputs = 4 * l() * (3 * h + q() + 2 * h + model.intermediateSize());
        }
        t.add(new Term("LoRA inputs" + (loraDropout ? " (dropped, float32) + masks" : " (float32)"), loraInputs));
        t.add(new Term("LoRA rank-r products", 7 * 4 * l() * loraR));
        t.add(new Term("attention q, k, v copies", c * l() * (q() + 2 * kv())));
        long attentionMask = floatMasks && c == 4 ? 4 : 1;
        long probs = 4 * scores() + (attentionDropout ? (attentionMask + c) * scores() : c == 4 ? 0 : c * scores());
        t.add(new Term("attention probabilities" + (attentionDropout ? " + dropout mask" : ""), probs));
        t.add(new Term("MLP gate, sigmoid, silu, up", 4L * c * li()));
        return t;
    }

    /** Bytes autograd keeps per sample for one layer's backward. */
    public long savedPerLayer() {
        return savedTerms().stream().mapToLong(Term::bytes).sum();
    }

    /** A layer's input (what recomputation keeps per layer and sample). */
    public long layerInput() {
        return computeBytes * lh();
    }

    /** The head's saved bytes per sample: the final RMSNorm's float32 input. */
    public long head() {
        return 4 * lh();
    }

    /** The largest gradient-mode forward transient of one layer, per sample. */
    public long forwardTransient() {
        int c = computeBytes;
        long copy = c == 4 ? 0 : 4;
        long downLora = (c + copy + 4 + 4) * li();
        long attention = 8L * c * l() * q() + (2L * c + 9) * scores();
        return 8 * lh() + Math.max(downLora, attention);
    }

    /** The backward working set of one layer beyond its saved tensors, per sample. */
    public long backwardTransient() {
        return (computeBytes + 4L) * li() + 4 * lh();
    }

    /** The largest transient of a forward without grad (nothing saved), per sample. */
    public long noGradTransient() {
        int c = computeBytes;
        long copy = c == 4 ? 0 : 4;
        long attention = 8L * c * l() * q() + (2L * c + 9) * scores();
        return 8 * lh() + Math.max(Math.max(4L * c * li(), (c + copy + 12) * li()), attention);
    }

    /**
     * The dropout masks of one sample in one layer, 1 byte per element: LoRA dropout's mask of each of the seven
     * projections' inputs ({@code L·(3H + Q + 2H + I)}) and attention dropout's ({@code n·L²}). On the CPU a pass
     * without grad keeps them for its re-forward ({@code HostMaskCache}).
     */
    public long dropoutMasksPerLayer() {
        long h = model.hiddenSize();
        return (loraDropout ? l() * (5 * h + q() + model.intermediateSize()) : 0) + (attentionDropout ? scores() : 0);
    }

    /** Per-sample activation bytes of the gradient pass: all layers' saved tensors, or inputs + one layer. */
    public long perSample(boolean recompute) {
        long layers = model.numHiddenLayers();
        long worst = Math.max(forwardTransient(), backwardTransient());
        if (!recompute) {
            return layers * savedPerLayer() + head() + worst;
        }
        // inputs of every layer + the last output, one layer's graph, the gradients flowing between layers;
        // or, in the forward without grad that stores the inputs, one layer's transient
        return (layers + 1) * layerInput() + Math.max(savedPerLayer() + worst + 2 * layerInput() + head(),
                noGradTransient());
    }

    /** Per-sample bytes of GradCache's first pass (no grad): one layer's transient and the layer in/out. */
    public long perSampleWithoutGrad() {
        return noGradTransient() + 2 * layerInput();
    }

    /**
     * Per-sample bytes when both views' graphs are kept at once (SimCSE's one pass, no recomputation): two graphs of
     * every layer and head, one worst transient.
     */
    public long bothViewsPerSample() {
        return 2 * (model.numHiddenLayers() * savedPerLayer() + head()) + Math.max(forwardTransient(),
                backwardTransient());
    }
}
