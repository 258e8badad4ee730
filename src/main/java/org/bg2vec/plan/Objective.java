package org.bg2vec.plan;

import java.util.Locale;

/**
 * What the worker trains, as far as its memory is concerned.
 *
 * <p>SimCSE: the encoder's embeddings, gathered over the global batch (GradCache). MNTP: the encoder under the
 * causal LM head {@code lm_head} [vocab, hidden] (float32 on the device; with its gradient when trained, and then
 * also in the optimizer), whose logits are computed only at the labelled positions: a fraction
 * {@code labelFraction} ({@code mlm_probability}) of the {@code seqLen - 1} predicted positions of each sample.
 *
 * @param mntp          masked next token prediction (else SimCSE)
 * @param trainLmHead   MNTP's head is trained ({@code lm_head: "train"}) rather than frozen
 * @param labelFraction MNTP's {@code mlm_probability}
 */
public record Objective(boolean mntp, boolean trainLmHead, double labelFraction) {

    /** Unsupervised SimCSE with GradCache (bg2vec train). */
    public static final Objective SIMCSE = new Objective(false, false, 0);

    public Objective {
        if (mntp && !(labelFraction > 0 && labelFraction <= 1)) {
            throw new IllegalArgumentException("MNTP's label fraction must be in (0, 1], got " + labelFraction);
        }
        if (!mntp && (trainLmHead || labelFraction != 0)) {
            throw new IllegalArgumentException("only MNTP has an LM head and labelled positions");
        }
    }

    /** MNTP with the head trained or frozen and {@code mlmProbability} of the positions labelled. */
    public static Objective mntp(boolean trainLmHead, double mlmProbability) {
        return new Objective(true, trainLmHead, mlmProbability);
    }

    /** The bg2vec command that trains it, as the driver log and the Spark UI name the stage. */
    public String command() {
        return mntp ? "mntp" : "train";
    }

    /** How the plan's header names it. */
    public String describe() {
        return mntp ? String.format(Locale.ROOT, "MNTP (lm_head %s, mlm_probability %s)",
                trainLmHead ? "trained" : "frozen", labelFraction) : "SimCSE (GradCache)";
    }
}
