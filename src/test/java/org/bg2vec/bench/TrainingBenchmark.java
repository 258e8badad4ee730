package org.bg2vec.bench;

import ai.djl.ndarray.NDManager;
import org.bg2vec.collective.SingleProcessCollective;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.model.ModelPreset;
import org.bg2vec.model.RandomCheckpoint;
import org.bg2vec.train.ModelFacts;
import org.bg2vec.train.SimCseTrainer;
import org.bg2vec.train.TrainConfig;
import org.bg2vec.train.TrainingWorker;
import org.bg2vec.train.data.TestShards;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * CPU step time of real SimCSE training ({@link TrainingWorker}: random Mistral checkpoint, new LoRA,
 * GradCache, AdamW) with the settings of {@code conf/tiny-simcse.json}, against the same JVM's fp32
 * matmul speed ({@link ForwardBenchmark#matmulGflops}). Not a test; run by hand, see
 * src/site/markdown/benchmarks-train-real.md:
 *
 * <pre>
 * mvn -B -o -q package -DskipTests
 * java [-Dai.djl.pytorch.num_threads=N] -cp "target/classes:target/test-classes:target/lib/*" \
 *     org.bg2vec.bench.TrainingBenchmark [preset=tiny] [length=128] [steps=6] [config=conf/tiny-simcse.json]
 * </pre>
 *
 * Every sample has exactly {@code length} tokens (BOS + random ids), so the step's work is fixed.
 * Executed matmul FLOPs per step, with F = one forward of the global batch
 * ({@link ForwardBenchmark#flopsPerForward}): per view, the no-grad GradCache pass (F), the re-forward
 * with grad (F) and the backward (≈ F: the frozen base needs input gradients only; LoRA terms are
 * negligible), so 6F for the two views; without GradCache's recomputation it would be 4F.
 */
public final class TrainingBenchmark {

    private TrainingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        ModelPreset preset = ModelPreset.parse(args.length > 0 ? args[0] : "tiny");
        int length = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        Path conf = Paths.get(args.length > 3 ? args[3] : "conf/tiny-simcse.json");
        DjlRuntime.engine();
        Path dir = Files.createTempDirectory("bg2vec-train-bench");
        Path tokenizer = Paths.get("src/test/resources/tokenizers/llama2/tokenizer.json");
        Path model = dir.resolve("model");
        MistralConfig c = RandomCheckpoint.write(preset, tokenizer, "<s>", "</s>", 1, model);
        TrainConfig base = TrainConfig.load(conf);
        int global = base.globalBatchSize();
        Path data = fixedLengthData(dir.resolve("data"), model, c, global * (steps + 1), length);
        TrainConfig config = base.with("model_name_or_path", model.toString())
                .with("train_data", data.toString()).with("output_dir", dir.resolve("out").toString())
                .with("max_seq_length", Math.max(length, base.maxSeqLength())).with("max_steps", steps)
                .with("stop_after_n_steps", steps).with("save_steps", steps).with("eval_steps", 0)
                .with("logging_steps", steps).with("workers", 1);
        System.out.printf("model %s: hidden %d, %d layers, %d heads (%d kv), MLP %d, vocab %d%n", preset,
                c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(),
                c.intermediateSize(), c.vocabSize());
        System.out.printf("config %s: global batch %d, micro-batch %d, %d tokens per sample, LoRA r=%d on 7"
                        + " projections, attention dropout %.2f, LoRA dropout %.2f, %s%n", conf, global,
                config.microBatchSize(), length, config.loraR(), config.simcseDropout(), config.loraDropout(),
                config.precision());
        System.out.printf("cores %d, torch intra-op threads %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("ai.djl.pytorch.num_threads", "default (one per core)"));

        List<double[]> perStep = new ArrayList<>();
        SimCseTrainer.Result r = TrainingWorker.run(config, new SingleProcessCollective(),
                (rank, m) -> perStep.add(new double[]{m.wallSeconds(), m.tokens()}),
                org.bg2vec.train.WorkerEnvironment.cpu(new org.apache.hadoop.conf.Configuration()));
        double[] times = perStep.stream().skip(1).mapToDouble(s -> s[0]).sorted().toArray(); // step 1 warms up
        double median = times[times.length / 2];
        double tokens = perStep.get(perStep.size() - 1)[1];
        for (int i = 0; i < perStep.size(); i++) {
            System.out.printf("step %d: %.3f s%n", i + 1, perStep.get(i)[0]);
        }
        double f = ForwardBenchmark.flopsPerForward(c, global, length);
        double executed = 6 * f;
        double peak = 0;
        try (NDManager m = DjlRuntime.newManager()) {
            for (long[] s : new long[][]{{(long) config.microBatchSize() * length, c.hiddenSize(), c.intermediateSize()},
                    {1024, 1024, 1024}, {2048, 2048, 2048}}) {
                double g = ForwardBenchmark.matmulGflops(m, s[0], s[1], s[2]);
                System.out.printf("fp32 matmul [%d x %d] x [%d x %d]: %.2f GFLOP/s%n", s[0], s[1], s[1], s[2], g);
                peak = Math.max(peak, g);
            }
        }
        double achieved = executed / median / 1e9;
        System.out.printf("final loss %.4f after %d steps%n", r.lastLoss(), r.steps());
        System.out.printf("median step (steps 2-%d): %.3f s, %.0f tokens/s (%d tokens, both views), %.1f samples/s%n",
                steps, median, tokens / median, (long) tokens, global / median);
        System.out.printf("matmul FLOPs per step: forward F = %.3f GFLOP; executed 6F = %.3f GFLOP (4F = %.3f without"
                + " GradCache recompute)%n", f / 1e9, executed / 1e9, 4 * f / 1e9);
        System.out.printf("achieved %.2f GFLOP/s (6F / step time); best fp32 matmul %.2f GFLOP/s; ratio %.3f%n",
                achieved, peak, achieved / peak);
        System.out.printf("all step times: %s%n", Arrays.toString(perStep.stream().mapToDouble(s -> s[0]).toArray()));
    }

    /** {@code n} samples of exactly {@code length} tokens (BOS then random ids), declaring the model's tokenizer. */
    static Path fixedLengthData(Path dir, Path model, MistralConfig c, int n, int length) throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        List<int[]> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] ids = rnd.ints(length, 3, c.vocabSize()).toArray();
            ids[0] = c.bosTokenId();
            samples.add(ids);
        }
        Files.createDirectories(dir);
        return TestShards.write(dir, samples, null, 1, c.vocabSize(), length,
                org.bg2vec.tokenize.TokenizerFiles.sha256(model.resolve("tokenizer.json")));
    }
}
