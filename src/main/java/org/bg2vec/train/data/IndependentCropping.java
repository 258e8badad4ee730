package org.bg2vec.train.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Independent cropping (Contriever, Izacard et al. 2022) as an option of SimCSE training: instead of feeding
 * the same text twice and relying on dropout alone, the query and the positive of a sample are two spans of
 * its text drawn independently, each of {@code floor(r·n)} tokens (at least 1) with r uniform in
 * [{@code minRatio}, {@code maxRatio}] and the start uniform over the n text tokens; the BOS stays first.
 * The two spans may overlap or not, so the model must match two different pieces of one text rather than two
 * dropout copies of the same one.
 *
 * <p>The spans are a pure function of (seed, step, sample id, view): they do not depend on the worker, the
 * worker count, the micro-batch or the other samples of the batch, so W workers train the model of one and a
 * resumed run draws the spans an uninterrupted run would.
 *
 * @param enabled  false: the views are the sample's own ids (dropout-only SimCSE, the recipe's default)
 * @param minRatio smallest share of the text tokens in a span, in (0, 1]
 * @param maxRatio largest share, in [minRatio, 1]
 */
public record IndependentCropping(boolean enabled, double minRatio, double maxRatio) {

    /** Contriever's default span ratios. */
    public static final double DEFAULT_MIN_RATIO = 0.1;
    public static final double DEFAULT_MAX_RATIO = 0.5;
    /** The step key of validation batches: the same spans at every evaluation. */
    public static final long VALIDATION_STEP = -1;

    /** Dropout-only SimCSE: the views are left as they are. */
    public static IndependentCropping off() {
        return new IndependentCropping(false, DEFAULT_MIN_RATIO, DEFAULT_MAX_RATIO);
    }

    /** The slice with each sample's views cropped for {@code step} (the slice itself when not enabled). */
    public List<TrainSample> apply(List<TrainSample> slice, long seed, long step) {
        if (!enabled) {
            return slice;
        }
        List<TrainSample> out = new ArrayList<>(slice.size());
        for (TrainSample s : slice) {
            out.add(crop(s, seed, step));
        }
        return out;
    }

    /** The two independent spans of one sample at {@code step}. */
    public TrainSample crop(TrainSample s, long seed, long step) {
        return new TrainSample(s.sampleId(), span(s.queryIds(), key(seed, step, s.sampleId(), 0)),
                span(s.positiveIds(), key(seed, step, s.sampleId(), 1)));
    }

    /** BOS followed by a random span of {@code ids[1..]} drawn from {@code key}. */
    int[] span(int[] ids, long key) {
        int n = ids.length - 1;
        SampleOrder.Rng rng = new SampleOrder.Rng(key);
        double ratio = minRatio + (maxRatio - minRatio) * ((rng.nextLong() >>> 11) * 0x1.0p-53);
        int length = Math.max(1, (int) Math.floor(ratio * n));
        int start = 1 + rng.nextInt(n - length + 1);
        int[] out = new int[length + 1];
        out[0] = ids[0];
        System.arraycopy(ids, start, out, 1, length);
        return out;
    }

    private static long key(long seed, long step, long sampleId, int view) {
        long h = SampleOrder.Rng.mix(seed ^ 0x63726f70L); // "crop"
        h = SampleOrder.Rng.mix(h ^ step);
        h = SampleOrder.Rng.mix(h ^ sampleId);
        return SampleOrder.Rng.mix(h ^ view);
    }

    /** "off" whatever the ratios when not enabled (part of the run identity: unused ratios do not count). */
    @Override
    public String toString() {
        return enabled ? "spans of " + minRatio + "-" + maxRatio + " of the text" : "off";
    }
}
