package org.bg2vec.train;

import org.bg2vec.collective.Collective;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.train.data.TestShards;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For tests outside this package (the Spark training stage): a worker that trains the toy encoder with
 * the test loss, the synthetic data and config of the trainer tests, and a reader for its adapter.
 */
public final class ToyTraining {

    public static final float DROPOUT = 0.1f;

    private ToyTraining() {
    }

    /** Same shape as {@code TrainingWorker.run}: trains the toy model on this worker. */
    public static SimCseTrainer.Result train(TrainConfig config, Collective collective,
                                             SimCseTrainer.StepListener listener, WorkerEnvironment environment)
            throws IOException {
        try (ToyEncoder enc = TrainerFixtures.model(DROPOUT)) {
            return SimCseTrainer.run(config, enc, new HardNegativeNLLLoss(20f), collective, TrainerFixtures.FACTS,
                    environment.hadoop(), listener);
        }
    }

    /** 64 training samples in 3 shards, 32 validation samples (see the trainer tests). */
    public static Path data(Path dir) throws IOException {
        return TrainerFixtures.data(dir);
    }

    /** The trainer tests' config: global batch 16, micro-batch 4, 10 steps, checkpoints every 5. */
    public static TrainConfig config(Path out, Path data, String extra) {
        return TrainerFixtures.config(out, data, extra);
    }

    /** The values of the toy adapter written to {@code adapterDir}. */
    public static float[] adapter(Path adapterDir) throws IOException {
        Path f = adapterDir.resolve("toy-adapter.bin");
        int n = (int) (Files.size(f) / 4);
        float[] v = new float[n];
        try (DataInputStream in = new DataInputStream(Files.newInputStream(f))) {
            for (int i = 0; i < n; i++) {
                v[i] = in.readFloat();
            }
        }
        return v;
    }

    public static double relativeDifference(float[] a, float[] b) {
        return TrainerFixtures.relativeDifference(a, b);
    }

    /** The tokenizer hash the synthetic data declares. */
    public static String dataTokenizerSha() {
        return TestShards.SHA;
    }
}
