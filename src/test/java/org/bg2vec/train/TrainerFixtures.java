package org.bg2vec.train;

import org.bg2vec.collective.Collective;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.train.data.TestShards;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Shared set-up of the trainer tests: synthetic prepared data, configs, worker threads. */
final class TrainerFixtures {

    static final int VOCAB = 40;
    static final ModelFacts FACTS = new ModelFacts(TestShards.SHA, 2);

    private TrainerFixtures() {
    }

    /** 64 training samples in 3 shards (4 global batches of 16 per epoch), 32 validation samples. */
    static Path data(Path dir) throws IOException {
        return TestShards.write(dir, TestShards.randomSamples(64, VOCAB, 10, 5),
                TestShards.randomSamples(32, VOCAB, 10, 6), 3, VOCAB, 10);
    }

    static TrainConfig config(Path out, Path data, String extra) {
        return TrainConfig.parse("{\"output_dir\": \"" + out + "\", \"train_data\": \"" + data + "\","
                + " \"global_batch_size\": 16, \"micro_batch_size\": 4, \"learning_rate\": 0.01,"
                + " \"max_steps\": 10, \"save_steps\": 5, \"logging_steps\": 2, \"seed\": 42, \"max_seq_length\": 16,"
                + " \"shuffle_buffer_size\": 20, \"loss_scale\": 20" + extra + "}");
    }

    static ToyEncoder model(float dropout) {
        return new ToyEncoder(VOCAB, 8, 6, dropout, 1234);
    }

    /** Runs {@code workers} trainer threads, each with its own model copy; returns each rank's final values. */
    static List<float[]> train(TrainConfig config, int workers, float dropout, SimCseTrainer.StepListener listener)
            throws Exception {
        List<Collective> group = workers == 1 ? List.of(new org.bg2vec.collective.SingleProcessCollective())
                : ThreadCollective.group(workers);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (Collective c : group) {
                futures.add(pool.submit(() -> {
                    try (ToyEncoder enc = model(dropout)) {
                        SimCseTrainer.run(config, enc, new HardNegativeNLLLoss(20f), c, FACTS,
                                new org.apache.hadoop.conf.Configuration(), listener);
                        return enc.values();
                    }
                }));
            }
            List<float[]> out = new ArrayList<>();
            for (Future<float[]> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static float[] trainOne(TrainConfig config, float dropout) throws Exception {
        return train(config, 1, dropout, (r, m) -> { }).get(0);
    }

    static double relativeDifference(float[] a, float[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (double) (a[i] - b[i]) * (a[i] - b[i]);
            norm += (double) b[i] * b[i];
        }
        return Math.sqrt(diff / norm);
    }

}
