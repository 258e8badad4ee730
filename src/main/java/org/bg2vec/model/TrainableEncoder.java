package org.bg2vec.model;

import org.bg2vec.progress.StepPhases;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.bg2vec.djl.Autograd;
import org.bg2vec.tokenize.TokenizedBatch;

/**
 * What the SimCSE trainer needs from a model: pooled embeddings of a token batch, its trainable
 * (LoRA) parameters, and a way to save them. Implemented by the bidirectional Mistral encoder;
 * tests may implement it with a toy model.
 *
 * <p>Determinism contract: with {@code training == true} every dropout mask is a pure function of
 * {@code dropoutSeed} and the batch shape (never of torch's process-global RNG), so the same call
 * twice gives bit-identical embeddings (GradCache re-forward) and worker threads of one JVM do not
 * disturb each other.
 */
public interface TrainableEncoder extends Trainable, AutoCloseable {

    /** Width of the pooled embedding. */
    int hiddenSize();

    /**
     * Pooled embeddings, float32 {@code [batchSize, hiddenSize]}, pooled over {@code batch.embedMask()}.
     * Every intermediate is attached to {@code manager}. If grad mode is on for this thread
     * ({@link Autograd#gradMode}), the graph back to {@link #trainableParameters()} is recorded.
     *
     * @param training    dropout on (attention dropout, LoRA dropout) when true; eval mode otherwise
     * @param dropoutSeed the key of every dropout mask of this call (ignored when not training)
     */
    NDArray embed(NDManager manager, TokenizedBatch batch, boolean training, long dropoutSeed);

    /**
     * The training forward of {@code batch} (dropout on, keys from {@code dropoutSeed}) and its backward from
     * {@code embeddingGradient} (the gradient of the loss w.r.t. the pooled embeddings, {@code [batchSize,
     * hiddenSize]} float32), accumulating into the trainable parameters' gradients: GradCache's second pass.
     * The default embeds with grad and back-propagates; an encoder may recompute instead of keeping the whole
     * graph (see {@link MistralEncoder#backwardFromEmbeddings}), giving the same gradients.
     */
    default void backwardFromEmbeddings(NDManager manager, TokenizedBatch batch, long dropoutSeed,
                                        NDArray embeddingGradient) {
        try (Autograd.Scope on = Autograd.gradMode(true)) {
            long t = StepPhases.begin();
            NDArray embeddings = embed(manager, batch, true, dropoutSeed);
            t = StepPhases.end(StepPhases.Phase.FORWARD_WITH_GRAD, t);
            Autograd.backward(embeddings, embeddingGradient);
            StepPhases.end(StepPhases.Phase.BACKWARD, t);
        }
    }

    @Override
    void close();
}
