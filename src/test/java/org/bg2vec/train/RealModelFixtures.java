package org.bg2vec.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.bg2vec.collective.Collective;
import org.bg2vec.collective.SingleProcessCollective;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.format.SafetensorsFile;
import org.bg2vec.model.LoraAdapter;
import org.bg2vec.model.ModelPreset;
import org.bg2vec.model.RandomCheckpoint;
import org.bg2vec.train.data.TestShards;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Set-up of the trainer tests with the real {@link org.bg2vec.model.MistralEncoder}: a random
 * checkpoint with the Llama-2 tokenizer, synthetic prepared data declaring that tokenizer, configs,
 * and {@link TrainingWorker} runs on worker threads.
 */
final class RealModelFixtures {

    static final Path TOKENIZER = Path.of("src/test/resources/tokenizers/llama2/tokenizer.json");
    /** Samples draw ids from [3, 40) only: overlapping bags of tokens make the contrastive task non-trivial. */
    static final int DATA_VOCAB = 40;
    static final int MAX_LEN = 12;

    private RealModelFixtures() {
    }

    /** A random checkpoint of {@code preset} with the Llama-2 tokenizer (BOS 1, EOS 2). */
    static Path model(Path dir, ModelPreset preset) throws IOException {
        RandomCheckpoint.write(preset, TOKENIZER, "<s>", "</s>", 7, dir);
        return dir;
    }

    /** {@code n} training and 16 validation samples of up to 12 tokens, tokenized "with" the model's tokenizer. */
    static Path data(Path dir, Path model, int n) throws IOException {
        return TestShards.write(dir, TestShards.randomSamples(n, DATA_VOCAB, MAX_LEN, 5),
                TestShards.randomSamples(16, DATA_VOCAB, MAX_LEN, 6), 2, DATA_VOCAB, MAX_LEN,
                org.bg2vec.tokenize.TokenizerFiles.sha256(model.resolve("tokenizer.json")));
    }

    /** Global batch 8 in micro-batches of 2, SimCSE dropout 0.3, LoRA r 4, bidirectional, mean pooling. */
    static TrainConfig config(Path model, Path data, Path out, String extra) {
        return TrainConfig.parse("{\"model_name_or_path\": \"" + model + "\", \"output_dir\": \"" + out + "\","
                + " \"train_data\": \"" + data + "\", \"bidirectional\": true, \"pooling_mode\": \"mean\","
                + " \"simcse_dropout\": 0.3, \"lora_r\": 4, \"lora_alpha\": 8, \"lora_dropout\": 0.05,"
                + " \"loss_scale\": 20, \"learning_rate\": 0.002, \"global_batch_size\": 8, \"micro_batch_size\": 2,"
                + " \"max_steps\": 6, \"save_steps\": 3, \"logging_steps\": 3, \"seed\": 42, \"max_seq_length\": 32,"
                + " \"shuffle_buffer_size\": 16" + extra + "}");
    }

    /** Runs {@code workers} {@link TrainingWorker}s on threads; returns each rank's result. */
    static List<SimCseTrainer.Result> train(TrainConfig config, int workers, SimCseTrainer.StepListener listener)
            throws Exception {
        List<Collective> group = workers == 1 ? List.of(new SingleProcessCollective()) : ThreadCollective.group(workers);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<SimCseTrainer.Result>> futures = new ArrayList<>();
            for (Collective c : group) {
                futures.add(pool.submit(() ->
                        TrainingWorker.run(config, c, listener,
                                WorkerEnvironment.cpu(new org.apache.hadoop.conf.Configuration()))));
            }
            List<SimCseTrainer.Result> out = new ArrayList<>();
            for (Future<SimCseTrainer.Result> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The adapter tensors of a saved PEFT directory, by key, as float32. */
    static TreeMap<String, float[]> adapter(Path dir) {
        TreeMap<String, float[]> out = new TreeMap<>();
        try (NDManager m = DjlRuntime.newManager();
             SafetensorsFile f = SafetensorsFile.open(dir.resolve(LoraAdapter.WEIGHTS_FILE))) {
            for (String name : f.tensors().keySet()) {
                out.put(name, f.read(m, name, DataType.FLOAT32).toFloatArray());
            }
        }
        return out;
    }

    /** All tensors of an adapter concatenated in key order. */
    static float[] flat(TreeMap<String, float[]> adapter) {
        int n = adapter.values().stream().mapToInt(a -> a.length).sum();
        float[] out = new float[n];
        int at = 0;
        for (float[] a : adapter.values()) {
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
        return out;
    }
}
