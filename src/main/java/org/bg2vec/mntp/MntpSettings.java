package org.bg2vec.mntp;

import org.bg2vec.plan.Objective;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What MNTP adds to the shared training configuration (validated by {@link MntpConfig}).
 *
 * @param collatorType         {@code data_collator_type}: all_mask or default (HF 80/10/10)
 * @param mlmProbability       {@code mlm_probability}: selection probability per eligible token
 * @param maskTokenType        {@code mask_token_type}: blank ({@code _}), eos or mask
 * @param trainLmHead          {@code lm_head}: "train" (llm2vec: the head is trained in fp32 with the LoRA) or
 *                             "frozen"
 * @param saveLmHead           {@code save_lm_head}: write the trained head as {@code lm_head.safetensors} beside the
 *                             adapter
 * @param lmHeadFromEmbeddings {@code lm_head_from_embeddings}: a model without {@code lm_head.weight} starts its
 *                             head from the input embeddings
 */
public record MntpSettings(CollatorType collatorType, double mlmProbability, MaskTokenType maskTokenType,
                           boolean trainLmHead, boolean saveLmHead, boolean lmHeadFromEmbeddings)
        implements Serializable {

    /** What the memory plan needs to know: the head trained or frozen, and the fraction of labelled positions. */
    public Objective planObjective() {
        return Objective.mntp(trainLmHead, mlmProbability);
    }

    /** The settings that change what is trained, for the run's identity (checkpoints of other settings are refused). */
    public Map<String, String> identity() {
        Map<String, String> m = new TreeMap<>();
        m.put("objective", "mntp");
        m.put("data_collator_type", collatorType.name().toLowerCase(Locale.ROOT));
        m.put("mlm_probability", Double.toString(mlmProbability));
        m.put("mask_token_type", maskTokenType.name().toLowerCase(Locale.ROOT));
        m.put("lm_head", trainLmHead ? "train" : "frozen");
        m.put("lm_head_from_embeddings", Boolean.toString(lmHeadFromEmbeddings));
        return m;
    }
}
