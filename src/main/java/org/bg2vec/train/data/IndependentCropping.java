package org.bg2vec.train.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Independent cropping (Contriever, Izacard et al. 2022) as an option of SimCSE training: instead of feeding
 * the same text twice and relying on dropout alone, the query and the positive of a sample are two spans of
 * its text drawn independently, each of {@code floor(r·n)} tokens (at least 1) with r uniform in its view's
 * {@link Ratios} and the start uniform over the n text tokens; the BOS stays first. The spans may overlap or
 * not, so the model must match two different pieces of one text rather than two dropout copies of the same
 * one. With a shorter range for the query than for the positive (asymmetric cropping, as in the inverse cloze
 * task) a few words must find the passage they come from, as a title or a search query finds its document.
 *
 * <p>The spans are a pure function of (seed, step, sample id, view): they do not depend on the worker, the
 * worker count, the micro-batch or the other samples of the batch, so W workers train the model of one and a
 * resumed run draws the spans an uninterrupted run would.
 *
 * @param enabled  false: the views are the sample's own ids (dropout-only SimCSE, the recipe's default)
 * @param query    span ratios of the query view
 * @param positive span ratios of the positive view
 */
public record IndependentCropping(boolean enabled, Ratios query, Ratios positive) {

    /** Contriever's span ratios, the default of both views. */
    public static final Ratios CONTRIEVER = new Ratios(0.1, 0.5);
    /** The step key of validation batches: the same spans at every evaluation. */
    public static final long VALIDATION_STEP = -1;

    /**
     * The share of a text's tokens that a span takes: uniform in [min, max].
     *
     * @param min in (0, 1]
     * @param max in [min, 1]
     */
    public record Ratios(double min, double max) {
        @Override
        public String toString() {
            return min + "-" + max;
        }
    }

    /** Dropout-only SimCSE: the views are left as they are. */
    public static IndependentCropping off() {
        return new IndependentCropping(false, CONTRIEVER, CONTRIEVER);
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
        return new TrainSample(s.sampleId(), span(s.queryIds(), query, key(seed, step, s.sampleId(), 0)),
                span(s.positiveIds(), positive, key(seed, step, s.sampleId(), 1)));
    }

    /** BOS followed by a random span of {@code ids[1..]} drawn from {@code key}. */
    static int[] span(int[] ids, Ratios ratios, long key) {
        int n = ids.length - 1;
        SampleOrder.Rng rng = new SampleOrder.Rng(key);
        double ratio = ratios.min() + (ratios.max() - ratios.min()) * ((rng.nextLong() >>> 11) * 0x1.0p-53);
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
        return enabled ? "query spans of " + query + ", positive spans of " + positive + " of the text" : "off";
    }
}
