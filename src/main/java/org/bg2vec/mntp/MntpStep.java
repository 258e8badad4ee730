package org.bg2vec.mntp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.bg2vec.collective.Collective;
import org.bg2vec.collective.TensorCollectives;
import org.bg2vec.tokenize.TokenizedBatch;
import org.bg2vec.train.DropoutSeeds;
import org.bg2vec.train.PairwiseSum;
import org.bg2vec.train.TrainableVector;
import org.bg2vec.train.data.BatchCollator;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One MNTP step of one worker: plain micro-batch gradient accumulation (samples do not interact, so no
 * GradCache), giving the gradient of the mean next-token loss over every labelled position of the global batch.
 * <ol>
 * <li>mask every row of this worker's slice, row i of the global batch keyed by (seed, step, i), and count the
 *     predicted positions; all-reduce the count (the global denominator);</li>
 * <li>for each micro-batch: forward with dropout key {@link DropoutSeeds#of}(seed, step, global micro-batch, 0)
 *     and back-propagate {@code gradScale / count ·} its loss sum; the micro-batch gradients are summed in
 *     {@link PairwiseSum}'s fixed tree order;</li>
 * <li>all-reduce SUM the flat gradient (a tensor on the training device: NCCL reduces it in device memory) and the
 * loss statistics.</li>
 * </ol>
 * Every row's masking, dropout and gradient is the same whatever the worker count, so W workers compute the
 * one-worker gradient (bit for bit under {@link PairwiseSum}'s conditions). Unlike DDP's mean of per-device
 * means, the loss is the mean over the whole global batch, which does not depend on W.
 */
public final class MntpStep {

    /** The masking key's last component (dropout keys use 0). */
    static final int MASKING_KEY = 2;
    /** The step the validation batches are masked with (the same masks at every evaluation). */
    public static final long VALIDATION_STEP = -1;

    /**
     * The summed gradient (times {@code gradScale}; a flat float32 tensor on the training device that belongs to the
     * manager {@link #run} was given), mean loss, masked-token accuracy, positions, tokens.
     */
    public record Result(NDArray gradients, double loss, double accuracy, long predicted, long tokens) {
    }

    private final MntpModel model;
    private final Masking masking;
    private final Collective collective;
    private final TrainableVector params;
    private final BatchCollator collator;
    private final int globalBatch;
    private final int microBatch;
    private final long seed;

    /** The global batch must split into equal worker slices of whole micro-batches (the training loop checks it). */
    public MntpStep(MntpModel model, Masking masking, Collective collective, TrainableVector params,
                    BatchCollator collator, int globalBatch, int microBatch, long seed) {
        this.model = model;
        this.masking = masking;
        this.collective = collective;
        this.params = params;
        this.collator = collator;
        this.globalBatch = globalBatch;
        this.microBatch = microBatch;
        this.seed = seed;
    }

    /** The summed gradient of step {@code step} for this worker's {@code slice} (unpadded ids, BOS first). */
    public Result run(NDManager manager, List<int[]> slice, long step, double gradScale) {
        List<Masking.MaskedBatch> micro = mask(slice, step);
        float[] count = {0};
        for (Masking.MaskedBatch b : micro) {
            count[0] += MntpLoss.shifted(b.labels(), b.inputs().batchSize(), b.inputs().length()).count();
        }
        collective.allReduceSum(FloatBuffer.wrap(count));
        if (count[0] == 0) {
            throw new IllegalStateException("step " + step + ": no token of the global batch was masked (rows of"
                    + " special tokens only?): check the training data");
        }
        float scale = (float) (gradScale / count[0]);
        int firstMicro = collective.rank() * micro.size();
        PairwiseSum sum = new PairwiseSum();
        double lossSum = 0;
        long correct = 0;
        for (int i = 0; i < micro.size(); i++) {
            params.zeroGradients();
            MntpModel.Stats s = model.backward(manager, micro.get(i), DropoutSeeds.of(seed, step, firstMicro + i, 0),
                    scale);
            lossSum += s.lossSum();
            correct += s.correct();
            sum.add(params.gradientTensor(manager));
        }
        params.zeroGradients();
        NDArray total = sum.result();
        TensorCollectives.allReduceSum(collective, total);
        float[] stats = {(float) lossSum, correct};
        collective.allReduceSum(FloatBuffer.wrap(stats));
        return new Result(total, stats[0] / count[0], stats[1] / count[0], (long) count[0], tokens(slice));
    }

    /** Mean loss and accuracy of a validation batch (no dropout, no grad; masks of {@link #VALIDATION_STEP}). */
    public double[] evaluate(NDManager manager, List<int[]> slice) {
        double[] local = new double[3];
        for (Masking.MaskedBatch b : mask(slice, VALIDATION_STEP)) {
            MntpModel.Stats s = model.evaluate(manager, b, false, 0L);
            local[0] += s.lossSum();
            local[1] += s.correct();
            local[2] += s.count();
        }
        float[] global = {(float) local[0], (float) local[1], (float) local[2]};
        collective.allReduceSum(FloatBuffer.wrap(global));
        return new double[]{global[0] / global[2], global[1] / global[2]};
    }

    private List<Masking.MaskedBatch> mask(List<int[]> slice, long step) {
        int n = globalBatch / collective.size();
        if (slice.size() != n) {
            throw new IllegalArgumentException("worker " + collective.rank() + " got " + slice.size()
                    + " samples, its slice of global batch " + globalBatch + " is " + n);
        }
        List<Masking.MaskedBatch> out = new ArrayList<>();
        int firstRow = collective.rank() * n;
        for (int i = 0; i < n; i += microBatch) {
            TokenizedBatch batch = collator.collate(slice.subList(i, i + microBatch));
            long[] keys = new long[microBatch];
            for (int r = 0; r < microBatch; r++) {
                keys[r] = DropoutSeeds.of(seed, step, firstRow + i + r, MASKING_KEY);
            }
            out.add(masking.apply(batch, keys));
        }
        return out;
    }

    private static long tokens(List<int[]> slice) {
        long t = 0;
        for (int[] ids : slice) {
            t += ids.length;
        }
        return t;
    }
}
