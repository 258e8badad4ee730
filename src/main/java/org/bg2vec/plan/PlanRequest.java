package org.bg2vec.plan;

import org.bg2vec.model.MistralConfig;
import org.bg2vec.train.TrainConfig;

/**
 * What the memory of one training worker depends on.
 *
 * @param model         the base model's shapes ({@code config.json})
 * @param computeBytes  2 (fp16 base) or 4 (fp32)
 * @param seqLen        padded tokens per sample ({@code max_seq_length}: the worst case)
 * @param microBatch    samples per forward pass
 * @param globalBatch   samples per optimizer step over all workers (GradCache gathers all embeddings)
 * @param workers       data-parallel workers
 * @param loraR         rank of the trained LoRA (on all seven projections)
 * @param loraDropout   LoRA dropout on
 * @param attentionDropout attention dropout on (SimCSE's noise)
 * @param mntpParams    values of the adapter merged into the base before training (0: none)
 * @param gpu           on a GPU (CUDA reserve, NCCL) or the CPU (the process's native memory)
 * @param objective     SimCSE or MNTP (what the worker keeps beside the encoder)
 */
public record PlanRequest(MistralConfig model, int computeBytes, int seqLen, int microBatch, int globalBatch,
                          int workers, int loraR, boolean loraDropout, boolean attentionDropout, long mntpParams,
                          boolean gpu, Objective objective) {

    public PlanRequest {
        if (microBatch < 1 || globalBatch < 1 || workers < 1) {
            throw new IllegalArgumentException("micro-batch, global batch and workers must be >= 1");
        }
        if (objective == null) {
            throw new IllegalArgumentException("the objective is null: SimCSE or MNTP");
        }
    }

    /**
     * The request of a training config as {@link org.bg2vec.train.TrainingWorker} runs it: fp16 only on a GPU
     * with {@code precision: fp16}, sequences of {@code max_seq_length}, attention dropout
     * {@code simcse_dropout}; {@code microBatch} given (the config's may be "auto").
     */
    public static PlanRequest of(TrainConfig c, MistralConfig model, int microBatch, long mntpParams, boolean gpu,
                                 Objective objective) {
        int bytes = gpu && c.precision() == TrainConfig.Precision.FP16 ? 2 : 4;
        return new PlanRequest(model, bytes, c.maxSeqLength(), microBatch, c.globalBatchSize(), c.workers(),
                c.loraR(), c.loraDropout() > 0, c.simcseDropout() > 0, mntpParams, gpu, objective);
    }

    /** The same request with another micro-batch. */
    public PlanRequest withMicroBatch(int b) {
        return new PlanRequest(model, computeBytes, seqLen, b, globalBatch, workers, loraR, loraDropout,
                attentionDropout, mntpParams, gpu, objective);
    }

    /** Samples per worker per step. */
    public int slice() {
        return globalBatch / workers;
    }

    /** The per-sample, per-layer model of this request. */
    public ActivationModel activations() {
        return new ActivationModel(model, seqLen, computeBytes, loraR, loraDropout, attentionDropout, !gpu);
    }
}
