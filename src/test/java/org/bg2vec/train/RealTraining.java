package org.bg2vec.train;

import org.bg2vec.model.ModelPreset;

import java.io.IOException;
import java.nio.file.Path;

/** For tests outside this package (the Spark training stage): the real-model fixtures of the trainer tests. */
public final class RealTraining {

    private RealTraining() {
    }

    /** A random TINY Mistral checkpoint with the Llama-2 tokenizer. */
    public static Path tinyModel(Path dir) throws IOException {
        return RealModelFixtures.model(dir, ModelPreset.TINY);
    }

    /** A random checkpoint of {@code preset} with the Llama-2 tokenizer. */
    public static Path model(Path dir, ModelPreset preset) throws IOException {
        return RealModelFixtures.model(dir, preset);
    }

    /** {@code n} training samples (and 16 validation samples) declaring the model's tokenizer. */
    public static Path data(Path dir, Path model, int n) throws IOException {
        return RealModelFixtures.data(dir, model, n);
    }

    /** Global batch 8 in micro-batches of 2, 6 steps, checkpoints every 3 (see RealModelFixtures). */
    public static TrainConfig config(Path model, Path data, Path out, String extra) {
        return RealModelFixtures.config(model, data, out, extra);
    }

    /** All tensors of a saved PEFT adapter concatenated in key order. */
    public static float[] adapter(Path dir) {
        return RealModelFixtures.flat(RealModelFixtures.adapter(dir));
    }
}
