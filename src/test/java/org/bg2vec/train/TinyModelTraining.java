package org.bg2vec.train;

import org.bg2vec.model.ModelPreset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Base of the tests that train the real encoder: one random TINY Mistral checkpoint with the Llama-2 tokenizer
 * and 48 training samples (16 validation) declaring its tokenizer, written once per test class
 * ({@link RealModelFixtures}), and a fresh {@link #tmp} per test for the runs' outputs. The fields are static in
 * this class: it relies on test classes running one after the other (no parallel execution is configured).
 */
public abstract class TinyModelTraining {

    @TempDir
    static Path shared;
    protected static Path model;
    protected static Path data;

    @TempDir
    protected Path tmp;

    @BeforeAll
    static void writeTinyModelAndData() throws IOException {
        model = RealModelFixtures.model(shared.resolve("model"), ModelPreset.TINY);
        data = RealModelFixtures.data(shared.resolve("data"), model, 48);
    }
}
