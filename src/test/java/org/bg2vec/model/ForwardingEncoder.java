package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.bg2vec.tokenize.TokenizedBatch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * For tests: a {@link TrainableEncoder} that forwards every call to {@code inner}; a test overrides what it
 * observes or changes (usually {@link #embed}). {@link #backwardFromEmbeddings} is deliberately not forwarded:
 * the interface's default embeds through this wrapper, so GradCache's re-forward passes the override too.
 */
public abstract class ForwardingEncoder implements TrainableEncoder {

    protected final TrainableEncoder inner;

    protected ForwardingEncoder(TrainableEncoder inner) {
        this.inner = inner;
    }

    @Override
    public int hiddenSize() {
        return inner.hiddenSize();
    }

    @Override
    public NDArray embed(NDManager manager, TokenizedBatch batch, boolean training, long dropoutSeed) {
        return inner.embed(manager, batch, training, dropoutSeed);
    }

    @Override
    public List<NamedParameter> trainableParameters() {
        return inner.trainableParameters();
    }

    @Override
    public void saveAdapter(Path dir) throws IOException {
        inner.saveAdapter(dir);
    }

    @Override
    public void close() {
        inner.close();
    }
}
