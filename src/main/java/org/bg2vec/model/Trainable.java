package org.bg2vec.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What the training loop needs from any model it trains: the trainable parameters (the flat vector of the
 * optimizer, the all-reduce and the checkpoints) and a way to save them as an adapter.
 */
public interface Trainable {

    /** The trainable parameters in a fixed order (sorted by name), float32, gradients attached. */
    List<NamedParameter> trainableParameters();

    /** Writes the trainable adapter (PEFT format for the Mistral models) into {@code dir}. */
    void saveAdapter(Path dir) throws IOException;
}
