package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.collective.Collective;
import org.bg2vec.djl.Autograd;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.model.TrainableEncoder;
import org.bg2vec.progress.StepPhases;
import org.bg2vec.progress.StepPhases.Phase;
import org.bg2vec.tokenize.TokenizedBatch;
import org.bg2vec.train.data.BatchCollator;
import org.bg2vec.train.data.TrainSample;

import java.nio.FloatBuffer;
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
 */
public final class GradCacheStep {

    /** Gradient (summed over workers, multiplied by {@code gradScale}), global loss, tokens of this slice. */
    public record Result(float[] gradients, double loss, long tokens) {
    }

    private final TrainableEncoder encoder;
    private final HardNegativeNLLLoss lossFunction;
    private final Collective collective;
    private final TrainableVector params;
    private final BatchCollator collator;
    private final int globalBatch;
    private final int microBatch;
    private final long seed;

    public GradCacheStep(TrainableEncoder encoder, HardNegativeNLLLoss lossFunction, Collective collective,
                         TrainableVector params, BatchCollator collator, int globalBatch, int microBatch, long seed) {
        BatchSplit.sliceSize(globalBatch, collective.size(), microBatch);
        this.encoder = encoder;
        this.lossFunction = lossFunction;
        this.collective = collective;
        this.params = params;
        this.collator = collator;
        this.globalBatch = globalBatch;
        this.microBatch = microBatch;
        this.seed = seed;
    }

    /** Computes the summed gradient of step {@code step} for this worker's {@code slice}. */
    public Result run(NDManager manager, List<TrainSample> slice, long step, double gradScale) {
        int n = checkSlice(slice);
        int hidden = encoder.hiddenSize();
        long t = StepPhases.begin();
        List<TokenizedBatch[]> micro = collate(slice);
        t = StepPhases.end(Phase.DATA, t);
        int firstMicro = collective.rank() * (n / microBatch);
        float[][] local = {new float[n * hidden], new float[n * hidden]};
        try (Autograd.Scope off = Autograd.gradMode(false)) {
            for (int i = 0; i < micro.size(); i++) {
                for (int view = 0; view < 2; view++) {
                    try (NDManager m = manager.newSubManager()) {
                        long key = DropoutSeeds.of(seed, step, firstMicro + i, view);
                        float[] e = encoder.embed(m, micro.get(i)[view], true, key).toFloatArray();
                        System.arraycopy(e, 0, local[view], i * microBatch * hidden, e.length);
                    }
                }
            }
        }
        t = StepPhases.end(Phase.NO_GRAD_FORWARD, t);
        float[] q = gather(local[0]);
        float[] d = gather(local[1]);
        float[][] grads = new float[2][];
        double loss;
        try (NDManager m = manager.newSubManager(); Autograd.Scope on = Autograd.gradMode(true)) {
            NDArray qa = m.create(q, new Shape(globalBatch, hidden));
            NDArray da = m.create(d, new Shape(globalBatch, hidden));
            Autograd.requireGrad(qa);
            Autograd.requireGrad(da);
            NDArray l = lossFunction.loss(qa, da);
            loss = l.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            Autograd.backward(l, m.full(l.getShape(), (float) gradScale));
            int from = collective.rank() * n;
            NDArray[] views = {qa, da};
            for (int v = 0; v < 2; v++) {
                try (NDArray g = Autograd.gradient(views[v])) {
                    grads[v] = new float[n * hidden];
                    System.arraycopy(g.toFloatArray(), from * hidden, grads[v], 0, n * hidden);
                }
            }
        }
        StepPhases.end(Phase.LOSS_AND_GATHER, t);
        PairwiseSum sum = new PairwiseSum();
        for (int i = 0; i < micro.size(); i++) {
            params.zeroGradients();
            for (int view = 0; view < 2; view++) {
                try (NDManager m = manager.newSubManager()) {
                    long key = DropoutSeeds.of(seed, step, firstMicro + i, view);
                    float[] g = new float[microBatch * hidden];
                    System.arraycopy(grads[view], i * microBatch * hidden, g, 0, g.length);
                    encoder.backwardFromEmbeddings(m, micro.get(i)[view], key, m.create(g, new Shape(microBatch, hidden)));
                }
            }
            t = StepPhases.begin();
            sum.add(params.gradients());
            StepPhases.end(Phase.GRADIENT_ALL_REDUCE, t);
        }
        t = StepPhases.begin();
        params.zeroGradients();
        float[] total = sum.result();
        collective.allReduceSum(FloatBuffer.wrap(total));
        StepPhases.end(Phase.GRADIENT_ALL_REDUCE, t);
        long tokens = 0;
        for (TrainSample s : slice) {
            tokens += s.tokens();
        }
        return new Result(total, loss, tokens);
    }

    /** The global loss of a batch in eval mode (no dropout, no grad): validation. */
    public double evaluate(NDManager manager, List<TrainSample> slice) {
        int n = checkSlice(slice);
        int hidden = encoder.hiddenSize();
        List<TokenizedBatch[]> micro = collate(slice);
        float[][] local = {new float[n * hidden], new float[n * hidden]};
        try (Autograd.Scope off = Autograd.gradMode(false)) {
            for (int i = 0; i < micro.size(); i++) {
                for (int view = 0; view < 2; view++) {
                    try (NDManager m = manager.newSubManager()) {
                        float[] e = encoder.embed(m, micro.get(i)[view], false, 0L).toFloatArray();
                        System.arraycopy(e, 0, local[view], i * microBatch * hidden, e.length);
                    }
                }
            }
            float[] q = gather(local[0]);
            float[] d = gather(local[1]);
            try (NDManager m = manager.newSubManager()) {
                NDArray l = lossFunction.loss(m.create(q, new Shape(globalBatch, hidden)),
                        m.create(d, new Shape(globalBatch, hidden)));
                return l.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            }
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

    private float[] gather(float[] local) {
        float[] out = new float[local.length * collective.size()];
        collective.allGather(FloatBuffer.wrap(local), FloatBuffer.wrap(out));
        return out;
    }
}
