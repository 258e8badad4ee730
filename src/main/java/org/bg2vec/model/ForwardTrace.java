package org.bg2vec.model;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Optional record of a forward pass, for tests and debugging: the residual stream entering each layer
 * and after the last one ({@code hiddenStates.get(0)} = embeddings, {@code get(i+1)} = after layer i,
 * before the final norm), and each layer's attention probabilities [B, heads, L, L] (float32, before
 * dropout). The arrays belong to the manager passed to the forward call.
 */
public final class ForwardTrace {
    private final List<NDArray> hiddenStates = new ArrayList<>();
    private final List<NDArray> attentions = new ArrayList<>();

    public List<NDArray> hiddenStates() {
        return hiddenStates;
    }

    public List<NDArray> attentions() {
        return attentions;
    }
}
