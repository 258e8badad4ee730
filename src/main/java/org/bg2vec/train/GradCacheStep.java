package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.bg2vec.collective.Collective;
import org.bg2vec.collective.TensorCollectives;
import org.bg2vec.djl.Autograd;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.model.TrainableEncoder;
import org.bg2vec.progress.StepPhases;
import org.bg2vec.progress.StepPhases.Phase;
import org.bg2vec.tokenize.TokenizedBatch;
import org.bg2vec.train.data.BatchCollator;
import org.bg2vec.train.data.TrainSample;

import java.util.ArrayList;
import java.util.List;

/**
 * One SimCSE step of one worker with GradCache and global in-batch negatives, giving exactly the
 * gradient of the loss over the whole global batch:
 * <ol>
 * <li>embed every micro-batch of this worker's slice, both views, without grad, in training mode,
 *     with dropout key {@link DropoutSeeds#of}(seed, step, global micro-batch index, view);</li>
 * <li>all-gather the query and positive embeddings of all workers into [G, H] each;</li>
 * <li>compute the full global loss (identical on every worker) and its gradient w.r.t. the gathered
 *     embeddings, keeping the rows of this worker's slice;</li>
 * <li>re-embed each micro-batch with grad and the same dropout keys (bit-identical embeddings) and
 *     back-propagate the cached embedding gradient into the trainable parameters
 *     ({@link TrainableEncoder#backwardFromEmbeddings}: with per-layer recomputation when the encoder does
 *     it, the same gradients); each
 *     micro-batch's parameter gradient is identical bit for bit whatever the worker count, and
 *     they are summed in a fixed tree order ({@link PairwiseSum});</li>
 * <li>all-reduce SUM the flat parameter gradient (the sum over workers is the global gradient).</li>
 * </ol>
 * Summing per micro-batch in a fixed order instead of letting torch accumulate matters: Adam
 * divides by the gradient's magnitude, so reassociation noise in near-zero gradient entries would
 * otherwise grow into visible differences between worker counts within a few steps.
 *
 * <p>When the slice is one micro-batch and the graph may be kept ({@code keepGraph}: no per-layer recomputation),
 * steps 1 and 4 merge: both views are embedded once, with grad, and the embedding gradient is back-propagated
 * through the kept graphs ({@link #onePass}). The re-forward would compute the same values bit for bit, so the
 * gradients are the same as with it; the step saves a third of its forward work and holds both views' graphs at
 * once (the memory plan counts them, {@code MemoryPlanner}).
 */
public final class GradCacheStep {

    /**
     * Gradient (summed over workers, multiplied by {@code gradScale}; a flat float32 tensor on the training device that
     * belongs to the manager {@link #run} was given), global loss, tokens of this slice.
     */
    public record Result(NDArray gradients, double loss, long tokens) {
    }

    private final TrainableEncoder encoder;
    private final HardNegativeNLLLoss lossFunction;
    private final Collective collective;
    private final TrainableVector params;
    private final BatchCollator collator;
    private final int globalBatch;
    private final int microBatch;
    private final long seed;
    private final boolean keepGraph;

    /**
     * @param keepGraph whether a slice of one micro-batch may keep its graph instead of re-embedding it
     *                  ({@link #onePass}); false with per-layer recomputation, whose point is not to keep it
     */
    public GradCacheStep(TrainableEncoder encoder, HardNegativeNLLLoss lossFunction, Collective collective,
                         TrainableVector params, BatchCollator collator, int globalBatch, int microBatch, long seed,
                         boolean keepGraph) {
        BatchSplit.sliceSize(globalBatch, collective.size(), microBatch);
        this.encoder = encoder;
        this.lossFunction = lossFunction;
        this.collective = collective;
        this.params = params;
        this.collator = collator;
        this.globalBatch = globalBatch;
        this.microBatch = microBatch;
        this.seed = seed;
        this.keepGraph = keepGraph;
    }

    /**
     * Whether a step keeps both views' graphs instead of re-embedding ({@link #onePass}): the slice is one micro-batch
     * and the graph may be kept. The memory plan asks the same ({@code MemoryPlanner}).
     */
    public static boolean keepsGraphs(int slice, int microBatch, boolean mayKeepGraph) {
        return mayKeepGraph && microBatch >= slice;
    }

    /**
     * Computes the summed gradient of step {@code step} for this worker's {@code slice}. Embeddings, their gradients and
     * the parameter gradients stay tensors on the training device; only the loss comes to the host.
     */
    public Result run(NDManager manager, List<TrainSample> slice, long step, double gradScale) {
        int n = checkSlice(slice);
        long t = StepPhases.begin();
        List<TokenizedBatch[]> micro = collate(slice);
        t = StepPhases.end(Phase.DATA, t);
        int firstMicro = collective.rank() * (n / microBatch);
        if (keepsGraphs(n, microBatch, keepGraph)) {
            return onePass(manager, micro.get(0), step, firstMicro, gradScale, tokens(slice));
        }
        try (NDManager work = manager.newSubManager()) {
            NDArray[] local = new NDArray[2];
            NDArray[] gathered;
            try (Autograd.Scope off = Autograd.gradMode(false)) {
                for (int view = 0; view < 2; view++) {
                    local[view] = embed(work, micro, true, step, firstMicro, view);
                }
                t = StepPhases.end(Phase.NO_GRAD_FORWARD, t);
                gathered = gather(local, work);
            }
            NDArray[] grads = new NDArray[2];
            double loss = lossGradients(work, gathered, gradScale, n, grads);
            StepPhases.end(Phase.LOSS_AND_GATHER, t);
            NDArray total = backward(work, micro, grads, step, firstMicro);
            return allReduce(manager, total, loss, tokens(slice));
        }
    }

    /**
     * The step of a slice that is one micro-batch, keeping the graph: embed both views with grad, gather detached
     * copies, the loss and its gradient as in {@link #run}, then back-propagate through the kept graphs, view 0 then
     * view 1, as {@link #backward} does after its re-forward: the same gradient bit for bit.
     */
    private Result onePass(NDManager manager, TokenizedBatch[] views, long step, int micro, double gradScale,
                           long tokens) {
        try (NDManager work = manager.newSubManager()) {
            long t = StepPhases.begin();
            NDArray[] local = new NDArray[2];
            params.zeroGradients();
            try (Autograd.Scope on = Autograd.gradMode(true)) {
                for (int view = 0; view < 2; view++) {
                    local[view] = encoder.embed(work, views[view], true, DropoutSeeds.of(seed, step, micro, view));
                }
            }
            t = StepPhases.end(Phase.FORWARD_WITH_GRAD, t);
            NDArray[] gathered;
            try (Autograd.Scope off = Autograd.gradMode(false)) {
                gathered = gather(local, work);
            }
            NDArray[] grads = new NDArray[2];
            double loss = lossGradients(work, gathered, gradScale, microBatch, grads);
            t = StepPhases.end(Phase.LOSS_AND_GATHER, t);
            try (Autograd.Scope on = Autograd.gradMode(true)) {
                for (int view = 0; view < 2; view++) {
                    Autograd.backward(local[view], grads[view]);
                }
            }
            t = StepPhases.end(Phase.BACKWARD, t);
            NDArray total = params.gradientTensor(work);
            params.zeroGradients();
            StepPhases.end(Phase.GRADIENT_ALL_REDUCE, t);
            return allReduce(manager, total, loss, tokens);
        }
    }

    /**
     * The global loss of the gathered embeddings (scaled by {@code gradScale} for its gradient) and, in {@code grads},
     * the gradient rows of this worker's {@code n} samples per view.
     */
    private double lossGradients(NDManager work, NDArray[] gathered, double gradScale, int n, NDArray[] grads) {
        try (Autograd.Scope on = Autograd.gradMode(true)) {
            Autograd.requireGrad(gathered[0]);
            Autograd.requireGrad(gathered[1]);
            NDArray l = lossFunction.loss(gathered[0], gathered[1]);
            double loss = l.toType(DataType.FLOAT64, false).getDouble();
            Autograd.backward(l, work.full(l.getShape(), (float) gradScale));
            int from = collective.rank() * n;
            for (int v = 0; v < 2; v++) {
                try (NDArray g = Autograd.gradient(gathered[v])) {
                    grads[v] = g.get(new NDIndex("{}:{}", from, from + n));
                    grads[v].attach(work);
                }
            }
            return loss;
        }
    }

    /** Both views' embeddings of every worker, [global batch, hidden] each (call with grad mode off). */
    private NDArray[] gather(NDArray[] local, NDManager work) {
        return new NDArray[]{TensorCollectives.allGather(collective, local[0], work),
                TensorCollectives.allGather(collective, local[1], work)};
    }

    /** All-reduces the flat gradient {@code total} (moved to {@code manager}) over the workers. */
    private Result allReduce(NDManager manager, NDArray total, double loss, long tokens) {
        long t = StepPhases.begin();
        total.attach(manager);
        TensorCollectives.allReduceSum(collective, total);
        StepPhases.end(Phase.GRADIENT_ALL_REDUCE, t);
        return new Result(total, loss, tokens);
    }

    private static long tokens(List<TrainSample> slice) {
        long tokens = 0;
        for (TrainSample s : slice) {
            tokens += s.tokens();
        }
        return tokens;
    }

    /** This worker's embeddings of one view, [slice, hidden], micro-batch after micro-batch (grad mode off). */
    private NDArray embed(NDManager work, List<TokenizedBatch[]> micro, boolean training, long step, int firstMicro,
                          int view) {
        NDList parts = new NDList(micro.size());
        for (int i = 0; i < micro.size(); i++) {
            try (NDManager m = work.newSubManager()) {
                long key = training ? DropoutSeeds.of(seed, step, firstMicro + i, view) : 0L;
                NDArray e = encoder.embed(m, micro.get(i)[view], training, key);
                e.attach(work);
                parts.add(e);
            }
        }
        NDArray local = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
        local.attach(work);
        return local;
    }

    /**
     * Back-propagates this worker's rows of the embedding gradients {@code grads} micro-batch by micro-batch and sums
     * the parameter gradients in {@link PairwiseSum}'s order: the flat sum, owned by {@code work}.
     */
    private NDArray backward(NDManager work, List<TokenizedBatch[]> micro, NDArray[] grads, long step, int firstMicro) {
        PairwiseSum sum = new PairwiseSum();
        for (int i = 0; i < micro.size(); i++) {
            params.zeroGradients();
            for (int view = 0; view < 2; view++) {
                try (NDManager m = work.newSubManager()) {
                    long key = DropoutSeeds.of(seed, step, firstMicro + i, view);
                    NDArray g = grads[view].get(new NDIndex("{}:{}", i * microBatch, (i + 1) * microBatch));
                    g.attach(m);
                    encoder.backwardFromEmbeddings(m, micro.get(i)[view], key, g);
                }
            }
            long t = StepPhases.begin();
            sum.add(params.gradientTensor(work));
            StepPhases.end(Phase.GRADIENT_ALL_REDUCE, t);
        }
        params.zeroGradients();
        return sum.result();
    }

    /** The global loss of a batch in eval mode (no dropout, no grad): validation. */
    public double evaluate(NDManager manager, List<TrainSample> slice) {
        checkSlice(slice);
        List<TokenizedBatch[]> micro = collate(slice);
        try (NDManager work = manager.newSubManager(); Autograd.Scope off = Autograd.gradMode(false)) {
            NDArray[] local = {embed(work, micro, false, 0, 0, 0), embed(work, micro, false, 0, 0, 1)};
            NDArray[] all = gather(local, work);
            return lossFunction.loss(all[0], all[1]).toType(DataType.FLOAT64, false).getDouble();
        }
    }

    private int checkSlice(List<TrainSample> slice) {
        int n = globalBatch / collective.size();
        if (slice.size() != n) {
            throw new IllegalArgumentException("worker " + collective.rank() + " got " + slice.size()
                    + " samples, its slice of global batch " + globalBatch + " is " + n);
        }
        return n;
    }

    private List<TokenizedBatch[]> collate(List<TrainSample> slice) {
        List<TokenizedBatch[]> out = new ArrayList<>();
        for (int i = 0; i < slice.size(); i += microBatch) {
            List<int[]> q = new ArrayList<>(microBatch);
            List<int[]> p = new ArrayList<>(microBatch);
            for (TrainSample s : slice.subList(i, i + microBatch)) {
                q.add(s.queryIds());
                p.add(s.positiveIds());
            }
            out.add(new TokenizedBatch[]{collator.collate(q), collator.collate(p)});
        }
        return out;
    }
}
