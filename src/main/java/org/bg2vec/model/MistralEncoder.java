package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.bg2vec.djl.Autograd;
import org.bg2vec.djl.Casts;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.djl.Tensors;
import org.bg2vec.format.Checkpoint;
import org.bg2vec.progress.StepPhases;
import org.bg2vec.tokenize.TokenizedBatch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * LLM2Vec's bidirectional Mistral encoder (transformers' {@code MistralModel} with llm2vec's non-causal
 * attention mask), in DJL NDArray ops, with Hugging Face weight names.
 *
 * <pre>
 * x = embed_tokens[input_ids]
 * for each layer N:  x += self_attn(input_layernorm(x));  x += mlp(post_attention_layernorm(x))
 * last_hidden_state = norm(x)
 * </pre>
 * <ul>
 *   <li>RMSNorm in float32: {@code w · x / sqrt(mean(x²) + eps)}, cast back to the compute type before
 *       the weight multiplies.</li>
 *   <li>Attention: q/k/v projections, rotary embeddings (rotate_half layout, positions 0…L-1 over the
 *       padded row), grouped-query heads (query head h uses key/value head h / (heads / kv_heads)),
 *       scores {@code q·k/√d} (the 1/√d applied to q through its rotary tables) plus an additive mask in float32,
 *       softmax in float32, attention-probability dropout in training only, {@code o_proj}. The mask hides padding
 *       keys from every query (bidirectional; left out when no row is padded) or, with
 *       {@link EncoderOptions#causal()}, also later keys.</li>
 *   <li>MLP: {@code down_proj(silu(gate_proj(x)) · up_proj(x))}.</li>
 *   <li>Every projection may carry a trainable LoRA term (float32, see {@link LoraAdapter}).</li>
 * </ul>
 * Dropout masks come from {@link DeterministicDropout}, keyed by the call's {@code dropoutSeed} and the
 * site (layer, module), never from torch's global RNG.
 */
public final class MistralEncoder implements TrainableEncoder {

    private static final float MASKED = -Float.MAX_VALUE; // finfo(float32).min, as transformers uses

    private final MistralConfig config;
    private final EncoderOptions options;
    private final NDManager manager;
    private final MistralWeights weights;
    private final String baseModelName;
    private LoraAdapter trainable;

    /** Wraps loaded weights; {@code manager} owns them and is closed by {@link #close()}. */
    public MistralEncoder(MistralWeights weights, NDManager manager, EncoderOptions options, String baseModelName) {
        this.config = weights.config();
        this.weights = weights;
        this.manager = manager;
        this.options = options;
        this.baseModelName = Objects.requireNonNullElse(baseModelName, "");
    }

    /**
     * Loads {@code config.json} and the safetensors weights of a Hugging Face model directory onto
     * {@code options.device()}, as {@code options.computeType()}.
     */
    public static MistralEncoder load(Path modelDir, EncoderOptions options) throws IOException {
        MistralConfig config = MistralConfig.load(modelDir.resolve("config.json"));
        NDManager m = DjlRuntime.engine().newBaseManager(options.device());
        try (Checkpoint ckpt = Checkpoint.open(modelDir)) {
            MistralWeights w = MistralWeights.load(ckpt, config, m, options.computeType());
            return new MistralEncoder(w, m, options, modelDir.toString());
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public MistralConfig config() {
        return config;
    }

    public EncoderOptions options() {
        return options;
    }

    /** The frozen base weights (after any merges). */
    public MistralWeights weights() {
        return weights;
    }

    @Override
    public int hiddenSize() {
        return config.hiddenSize();
    }

    /** Merges a PEFT adapter (e.g. the MNTP one) into the frozen base: {@code W += scaling·B·A}. */
    public void mergeAdapter(Path adapterDir) throws IOException {
        try (LoraAdapter a = LoraAdapter.load(adapterDir, config, manager)) {
            weights.merge(a);
        }
    }

    /** Attaches a new trainable adapter (A Kaiming-uniform from {@code seed}, B zeros), replacing any other. */
    public LoraAdapter newTrainableAdapter(LoraConfig cfg, long seed) {
        return setTrainable(LoraAdapter.initialize(cfg, config, manager, seed));
    }

    /** Loads an existing PEFT adapter as the trainable one (to resume training), replacing any other. */
    public LoraAdapter loadTrainableAdapter(Path adapterDir) throws IOException {
        return setTrainable(LoraAdapter.load(adapterDir, config, manager));
    }

    private LoraAdapter setTrainable(LoraAdapter a) {
        if (trainable != null) {
            trainable.close();
        }
        a.requireGrad();
        trainable = a;
        return a;
    }

    /** The trainable adapter, or null if none is attached. */
    public LoraAdapter trainableAdapter() {
        return trainable;
    }

    @Override
    public List<NamedParameter> trainableParameters() {
        return trainable == null ? List.of() : trainable.parameters();
    }

    /** Saves the trainable adapter in PEFT format, recording the directory the base was loaded from. */
    @Override
    public void saveAdapter(Path dir) throws IOException {
        saveAdapter(dir, baseModelName);
    }

    /** Saves the trainable adapter in PEFT format with {@code base_model_name_or_path} set as given. */
    public void saveAdapter(Path dir, String baseModelNameOrPath) throws IOException {
        if (trainable == null) {
            throw new IllegalStateException("no trainable adapter attached; nothing to save");
        }
        trainable.save(dir, baseModelNameOrPath);
    }

    @Override
    public NDArray embed(NDManager m, TokenizedBatch batch, boolean training, long dropoutSeed) {
        NDManager sub = m.newSubManager();
        try {
            NDArray hidden = lastHiddenState(sub, batch, training, dropoutSeed, null);
            NDArray pooled = scoped(hidden, h -> options.pooling().pool(h, batch, config.bosTokenId()));
            hidden.close();
            pooled.attach(m);
            return pooled;
        } finally {
            closeUnlessRecording(sub);
        }
    }

    /**
     * Intermediates built from Java memory (token ids, masks, RoPE tables, pooling weights) are read
     * again by backward; freeing them before it runs corrupts gradients at random. While the thread
     * records a graph, the sub-manager therefore stays open as a child of the caller's manager and
     * is freed with it (after backward); without a graph it is freed at once.
     */
    private static void closeUnlessRecording(NDManager sub) {
        if (!Autograd.isRecording()) {
            sub.close();
        }
    }

    /**
     * With {@link EncoderOptions#recomputeLayers()} (llm2vec's {@code gradient_checkpointing}) the gradient
     * forward keeps only each decoder layer's input, and backward recomputes one layer at a time:
     * <ol>
     * <li>without grad, run the layers and keep each layer's input x_i (and the last output x_N);</li>
     * <li>with grad, from x_N as a leaf: final norm, pooling, back-propagate {@code embeddingGradient}:
     *     the gradient g_N of x_N;</li>
     * <li>for i = N-1 … 0: with grad, recompute layer i from x_i (a leaf requiring grad, except x_0) with the
     *     same dropout keys, back-propagate g_{i+1} from its output into the LoRA parameters and x_i, take
     *     g_i = x_i.grad, and free layer i's graph and x_i.</li>
     * </ol>
     * Every value is the one the whole-graph backward computes, accumulated in the same order, so the LoRA
     * gradients are bit-identical; memory for activations is the N+1 layer inputs plus one layer's graph.
     * Without the option this is the default: embed with grad and back-propagate.
     */
    @Override
    public void backwardFromEmbeddings(NDManager m, TokenizedBatch batch, long dropoutSeed, NDArray embeddingGradient) {
        if (!options.recomputeLayers()) {
            TrainableEncoder.super.backwardFromEmbeddings(m, batch, dropoutSeed, embeddingGradient);
            return;
        }
        backwardThroughHead(m, batch, dropoutSeed, h -> options.pooling().pool(h, batch, config.bosTokenId()),
                embeddingGradient);
    }

    /**
     * The training forward of {@code batch}, then {@code head} on its {@code last_hidden_state} (e.g. pooling,
     * or MNTP's LM head and loss), back-propagating {@code headGradient} from the head's output into the
     * trainable parameters (and any tensor the head uses that requires grad). With
     * {@link EncoderOptions#recomputeLayers()} layer by layer as {@link #backwardFromEmbeddings} describes,
     * with the same gradients.
     */
    public void backwardThroughHead(NDManager m, TokenizedBatch batch, long dropoutSeed, UnaryOperator<NDArray> head,
                                    NDArray headGradient) {
        if (!options.recomputeLayers()) {
            try (Autograd.Scope on = Autograd.gradMode(true)) {
                Autograd.backward(head.apply(lastHiddenState(m, batch, true, dropoutSeed, null)), headGradient);
            }
            return;
        }
        int layers = config.numHiddenLayers();
        try (NDManager sub = m.newSubManager(options.device())) {
            NDArray[] inputs = new NDArray[layers + 1];
            Pass pass;
            long t = StepPhases.begin();
            try (Autograd.Scope off = Autograd.gradMode(false)) {
                pass = begin(sub, batch, true, dropoutSeed);
                inputs[0] = pass.embeddings();
                for (int layer = 0; layer < layers; layer++) {
                    inputs[layer + 1] = decoderLayer(pass, layer, inputs[layer], true, null, null);
                }
            }
            StepPhases.end(StepPhases.Phase.FORWARD_WITH_GRAD, t);
            NDArray upstream = headGradient(pass, inputs[layers], head, headGradient);
            inputs[layers].close();
            for (int layer = layers - 1; layer >= 0; layer--) {
                upstream = layerGradient(pass, layer, inputs[layer], upstream, layer > 0);
                inputs[layer].close();
            }
        }
    }

    /** Gradient of the head's loss w.r.t. the last layer's output {@code last} (final norm + head). */
    private NDArray headGradient(Pass pass, NDArray last, UnaryOperator<NDArray> head, NDArray outputGradient) {
        long t = StepPhases.begin();
        try (NDManager scope = pass.sub().newSubManager(); Autograd.Scope on = Autograd.gradMode(true)) {
            scope.tempAttachAll(last);
            Autograd.requireGrad(last);
            Autograd.backward(head.apply(rmsNorm(last, weights.get("norm.weight"))), outputGradient);
            NDArray gradient = inputGradient(pass, last);
            StepPhases.end(StepPhases.Phase.BACKWARD, t);
            return gradient;
        }
    }

    /**
     * Recomputes layer {@code layer} from {@code input} with grad and back-propagates {@code outputGradient}
     * (closed here); returns the gradient of {@code input}, or null when {@code wantInputGradient} is false.
     */
    private NDArray layerGradient(Pass pass, int layer, NDArray input, NDArray outputGradient,
                                  boolean wantInputGradient) {
        try (Autograd.Scope on = Autograd.gradMode(true)) {
            if (wantInputGradient) {
                Autograd.requireGrad(input);
            }
            long t = StepPhases.begin();
            NDArray out = decoderLayer(pass, layer, input, true, null, null);
            t = StepPhases.end(StepPhases.Phase.FORWARD_WITH_GRAD, t);
            Autograd.backward(out, outputGradient);
            StepPhases.end(StepPhases.Phase.BACKWARD, t);
            out.close();
            outputGradient.close();
            return wantInputGradient ? inputGradient(pass, input) : null;
        }
    }

    private static NDArray inputGradient(Pass pass, NDArray leaf) {
        NDArray g = Autograd.gradient(leaf);
        g.attach(pass.sub());
        return g;
    }

    /**
     * What every layer of one forward call shares: the call's manager, the token embeddings (layer 0's
     * input), the attention bias, the RoPE tables, and the dropout settings.
     */
    private record Pass(NDManager sub, NDArray embeddings, NDArray mask, Rotary rope, boolean training,
                        double attentionDropout, long seed) {
    }

    /**
     * The rotary tables as {@link #applyRope} uses them: {@code cos} and {@code sin} with rotate_half's sign folded
     * in ({@code [-sin[:d/2], sin[d/2:]]}), for the keys; for the queries both also carry the attention scaling
     * {@code 1/√d}, so the [L, L] scores need no pass of their own.
     */
    private record Rotary(NDArray cosKey, NDArray sinKey, NDArray cosQuery, NDArray sinQuery) {

        static Rotary of(NDArray[] tables, int headDim) {
            NDArray cos = tables[0];
            long half = headDim / 2;
            NDArray sinFirst = tables[1].get(new NDIndex(":, :{}", half));
            NDArray sin = sinFirst.neg().concat(tables[1].get(new NDIndex(":, {}:", half)), 1);
            float scaling = (float) Math.pow(headDim, -0.5);
            return new Rotary(cos, sin, Tensors.mul(cos, scaling), Tensors.mul(sin, scaling));
        }
    }

    private Pass begin(NDManager sub, TokenizedBatch batch, boolean training, long dropoutSeed) {
        int b = batch.batchSize();
        int l = batch.length();
        if (config.slidingWindow() != null && l > config.slidingWindow()) {
            throw new IllegalArgumentException("sequence length " + l + " exceeds the model's sliding_window "
                    + config.slidingWindow() + " (not supported by bidirectional attention)");
        }
        double attnDropout = training ? Objects.requireNonNullElse(options.attentionDropout(),
                config.attentionDropout()) : 0.0;
        NDArray ids = Tensors.owned(sub, batch.inputIds(), new Shape((long) b * l));
        NDArray flat = weights.get("embed_tokens.weight").get(ids);
        flat.attach(sub);
        NDArray x = flat.reshape(b, l, config.hiddenSize());
        flat.close();
        return new Pass(sub, x, attentionBias(sub, batch), Rotary.of(ropeTables(sub, l), config.headDim()), training,
                attnDropout, dropoutSeed);
    }

    /** {@code last_hidden_state} [B, L, hidden] in the compute type, attached to {@code m}. */
    public NDArray lastHiddenState(NDManager m, TokenizedBatch batch, boolean training, long dropoutSeed,
                                   ForwardTrace trace) {
        NDManager sub = m.newSubManager(options.device());
        try {
            Pass pass = begin(sub, batch, training, dropoutSeed);
            NDArray x = pass.embeddings();
            for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
                record(trace, x, m);
                x = decoderLayer(pass, layer, x, false, trace, m);
            }
            record(trace, x, m);
            NDArray out = scoped(x, last -> rmsNorm(last, weights.get("norm.weight")));
            x.close();
            out.attach(m);
            return out;
        } finally {
            closeUnlessRecording(sub);
        }
    }

    /**
     * Decoder layer {@code layer} on {@code x}: {@code x += self_attn(input_layernorm(x));
     * x += mlp(post_attention_layernorm(x))}. Every intermediate lives in a manager of its own, closed before
     * returning: only the output (attached to the call's manager) and what autograd saved for backward
     * (libtorch holds those by reference count; every tensor here is libtorch-owned) outlive the layer. The
     * input's handle is closed with it too, unless {@code keepInput} (recomputation keeps layer inputs).
     */
    private NDArray decoderLayer(Pass pass, int layer, NDArray x, boolean keepInput, ForwardTrace trace,
                                 NDManager traceManager) {
        String p = "layers." + layer + ".";
        try (NDManager scope = pass.sub().newSubManager()) {
            if (keepInput) {
                scope.tempAttachAll(x);
            } else {
                x.attach(scope);
            }
            NDArray h = rmsNorm(x, weights.get(p + "input_layernorm.weight"));
            // residual sums added into the block outputs, which backward reads nowhere (x + a == a + x bit for bit)
            NDArray y = scoped(h, in -> selfAttention(pass, in, layer, trace, traceManager)).addi(x);
            h = rmsNorm(y, weights.get(p + "post_attention_layernorm.weight"));
            NDArray out = scoped(h, in -> mlp(pass, in, p + "mlp.")).addi(y);
            out.attach(pass.sub());
            return out;
        }
    }

    /** {@code block(input)} with the block's intermediates in a manager of their own, closed when it returns. */
    private static NDArray scoped(NDArray input, UnaryOperator<NDArray> block) {
        NDManager home = input.getManager();
        try (NDManager scope = home.newSubManager()) {
            scope.tempAttachAll(input);
            NDArray out = block.apply(input);
            out.attach(home);
            return out;
        }
    }

    private NDArray selfAttention(Pass pass, NDArray h, int layer, ForwardTrace trace, NDManager traceManager) {
        String p = "layers." + layer + ".self_attn.";
        long b = h.getShape().get(0);
        long l = h.getShape().get(1);
        int kv = config.numKeyValueHeads();
        int g = config.groupSize();
        int d = config.headDim();
        // rotary embeddings on the contiguous [B, L, heads, d] layout, then
        // [B, L, heads*d] -> [B, kv, g, L, d]: query head h = kv_index * g + g_index uses kv head h / g
        // q carries the scaling 1/√d of the scores (folded into its rotary tables)
        Rotary rope = pass.rope();
        NDArray q = applyRope(project(pass, h, p + "q_proj").reshape(b, l, (long) kv * g, d), rope.cosQuery(),
                rope.sinQuery()).reshape(b, l, kv, g, d).transpose(0, 2, 3, 1, 4);
        NDArray k = applyRope(project(pass, h, p + "k_proj").reshape(b, l, kv, d), rope.cosKey(), rope.sinKey())
                .transpose(0, 2, 1, 3);
        NDArray v = project(pass, h, p + "v_proj").reshape(b, l, kv, d).transpose(0, 2, 1, 3);
        // the g query heads of a group share one key/value head: one [g*L, d] x [d, L] product per group
        NDArray scores = q.reshape(b, kv, g * l, d).matMul(k.transpose(0, 1, 3, 2)).reshape(b, kv, g, l, l);
        NDArray scores32 = Casts.to(scores, DataType.FLOAT32);
        NDArray probs32 = (pass.mask() == null ? scores32 : scores32.add(pass.mask())).softmax(-1);
        if (trace != null) {
            NDArray copy = probs32.reshape(b, (long) kv * g, l, l);
            copy.attach(traceManager);
            trace.attentions().add(copy);
        }
        // attention dropout zeroes probabilities; its 1/(1-p) scales the values instead (g·L/L times fewer elements)
        NDArray probs = DeterministicDropout.zeroDropped(Casts.to(probs32, h.getDataType()), pass.attentionDropout(),
                pass.seed(), DeterministicDropout.site("layers." + layer + ".self_attn#attention_dropout"));
        if (pass.attentionDropout() > 0) {
            v = Tensors.mul(v, (float) DeterministicDropout.keptScale(pass.attentionDropout()));
        }
        NDArray context = probs.reshape(b, kv, g * l, l).matMul(v).reshape(b, kv, g, l, d)
                .transpose(0, 3, 1, 2, 4).reshape(b, l, config.hiddenSize());
        return project(pass, context, p + "o_proj");
    }

    /** Handles are closed as soon as they are used: without grad nothing of the block outlives its use. */
    private NDArray mlp(Pass pass, NDArray h, String p) {
        NDArray gate = project(pass, h, p + "gate_proj");
        NDArray up = project(pass, h, p + "up_proj");
        NDArray sigmoid = gate.getNDArrayInternal().sigmoid();
        NDArray act = gate.mul(sigmoid); // silu
        gate.close();
        sigmoid.close();
        NDArray product = act.mul(up);
        act.close();
        up.close();
        NDArray out = project(pass, product, p + "down_proj");
        product.close();
        return out;
    }

    /**
     * {@code x·Wᵀ} plus the trainable LoRA term of {@code module} if it wraps it (the float32 term cast back to
     * x's type), added into {@code x·Wᵀ} in place: backward reads neither sum (the product saves x and W). The
     * term's handles are closed once added: autograd keeps what it needs by reference.
     */
    private NDArray project(Pass pass, NDArray x, String module) {
        NDArray y = Linear.linear(x, weights.get(module + ".weight")).singletonOrThrow();
        if (trainable != null && trainable.wraps(module)) {
            NDArray delta = trainable.delta(module, x, pass.training(), pass.seed());
            NDArray cast = Casts.to(delta, y.getDataType());
            y.addi(cast);
            cast.close();
            delta.close();
        }
        return y;
    }

    /** RMSNorm as transformers computes it: normalise in float32, cast back, then multiply by the weight. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        return scoped(x, in -> {
            NDArray x32 = Casts.to(in, DataType.FLOAT32);
            NDArray rms = Tensors.add(x32.square().mean(new int[]{-1}, true), (float) config.rmsNormEps()).sqrt();
            return Casts.to(x32.div(rms), in.getDataType()).muli(weight); // backward reads neither product
        });
    }

    /**
     * Additive float32 mask: [B,1,1,1,L] (bidirectional: pad keys hidden) or [B,1,1,L,L] (causal); null when it would
     * add only zeros (bidirectional, no padding in the batch).
     */
    private NDArray attentionBias(NDManager sub, TokenizedBatch batch) {
        int b = batch.batchSize();
        int l = batch.length();
        long[] att = batch.attentionMask();
        if (!options.causal()) {
            if (Arrays.stream(att).allMatch(a -> a != 0)) {
                return null;
            }
            float[] bias = new float[b * l];
            for (int i = 0; i < bias.length; i++) {
                bias[i] = att[i] != 0 ? 0f : MASKED;
            }
            return Tensors.owned(sub, bias, new Shape(b, 1, 1, 1, l));
        }
        float[] bias = new float[b * l * l];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < l; i++) {
                for (int j = 0; j < l; j++) {
                    bias[(r * l + i) * l + j] = j <= i && att[r * l + j] != 0 ? 0f : MASKED;
                }
            }
        }
        return Tensors.owned(sub, bias, new Shape(b, 1, 1, l, l));
    }

    /**
     * cos and sin tables [L, head_dim] for positions 0…L-1, computed in float32 the way transformers does
     * ({@code inv_freq = 1 / θ^(2i/d)}, angles {@code p · inv_freq} duplicated over both halves), then cast
     * to the compute type.
     */
    NDArray[] ropeTables(NDManager sub, int length) {
        int d = config.headDim();
        NDArray exponents = sub.arange(0, d, 2, DataType.INT64).toType(DataType.FLOAT32, false).div((float) d);
        NDArray invFreq = sub.ones(new Shape(d / 2)).div(sub.full(new Shape(d / 2), (float) config.ropeTheta())
                .pow(exponents));
        NDArray positions = sub.arange(0, length, 1, DataType.INT64).toType(DataType.FLOAT32, false);
        NDArray freqs = positions.reshape(length, 1).mul(invFreq.reshape(1, d / 2));
        NDArray angles = freqs.concat(freqs, 1);
        DataType t = options.computeType();
        return new NDArray[]{angles.cos().toType(t, false), angles.sin().toType(t, false)}; // constants, [L, d]
    }

    /**
     * {@code x·cos + rotate_half(x)·sin} for x [B, L, heads, d], with rotate_half(x) = [-x[d/2:], x[:d/2]]
     * and the [L, d] tables broadcast over batch and heads: {@code [x[d/2:], x[:d/2]]·signedSin} with rotate_half's
     * sign in the table ({@link Rotary}), the same values. The halves are swapped by one flip of a [.., 2, d/2] view
     * (its backward is one flip too, where slicing and concatenating would allocate and fill zeros per half).
     */
    private static NDArray applyRope(NDArray x, NDArray cosTable, NDArray signedSinTable) {
        long l = cosTable.getShape().get(0);
        long d = cosTable.getShape().get(1);
        NDArray cos = cosTable.reshape(l, 1, d);
        NDArray sin = signedSinTable.reshape(l, 1, d);
        Shape shape = x.getShape();
        long[] halves = new long[shape.dimension() + 1];
        System.arraycopy(shape.getShape(), 0, halves, 0, shape.dimension() - 1);
        halves[halves.length - 2] = 2;
        halves[halves.length - 1] = d / 2;
        NDArray rotated = x.reshape(new Shape(halves)).flip(halves.length - 2).reshape(shape);
        return x.mul(cos).addi(rotated.mul(sin)); // backward reads neither product (cos and sin need no grad)
    }

    private static void record(ForwardTrace trace, NDArray x, NDManager m) {
        if (trace != null) {
            NDArray copy = x.duplicate();
            copy.attach(m);
            trace.hiddenStates().add(copy);
        }
    }

    @Override
    public void close() {
        if (trainable != null) {
            trainable.close();
            trainable = null;
        }
        manager.close();
    }
}
