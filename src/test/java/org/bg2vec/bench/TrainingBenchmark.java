package org.bg2vec.bench;

import ai.djl.ndarray.NDManager;
import org.bg2vec.collective.SingleProcessCollective;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.format.SafetensorsDType;
import org.bg2vec.model.DeterministicDropout;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.model.ModelPreset;
import org.bg2vec.model.RandomCheckpoint;
import org.bg2vec.progress.StepPhases;
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
 * src/site/markdown/benchmarks-trainer.md and benchmarks-train-real.md:
 *
 * <pre>
 * mvn -B -o -q package -DskipTests
 * java [-Dai.djl.pytorch.num_threads=N] --add-modules jdk.incubator.vector \
 *     -cp "target/classes:target/test-classes:target/lib/*" \
 *     org.bg2vec.bench.TrainingBenchmark [preset=tiny] [length=128] [steps=6] [config=conf/tiny-simcse.json] \
 *     [layers=the preset's] [vocab=the tokenizer's]
 * </pre>
 *
 * It trains up to three times in one JVM, each with the real {@link TrainingWorker} on the same data, and prints the
 * median per-phase breakdown of a step ({@link StepPhases}) side by side, the step time and 6F / step time against
 * the matmul peak:
 * <ol>
 *   <li>the config's micro-batch (GradCache: a pass without grad, then a re-forward with grad per micro-batch);</li>
 *   <li>the micro-batch raised to the slice (the whole global batch: one worker), where the step keeps both views'
 *       graphs and runs no re-forward (skipped when the config already has it);</li>
 *   <li>as 1, with the dropout masks computed by tensor ops (the GPU path; skipped with
 *       {@code -Dbg2vec.bench.javaMasksOnly=true}, minutes per step at real width).</li>
 * </ol>
 *
 * Every sample has exactly {@code length} tokens (BOS + random ids), so the step's work is fixed.
 * The ratio's numerator is 6F per step, F = one forward of the global batch's views
 * ({@link ForwardBenchmark#flopsPerForward}; 6F = 6 × parameters × tokens, the usual model-FLOPs count of a training
 * step). What runs: with GradCache's re-forward, per view the pass without grad (F), the re-forward with grad (F) and
 * the backward (≈ F: the frozen base needs input gradients only; LoRA terms are negligible), so 6F executed; in one
 * pass 4F executed for the same 6F of model FLOPs (the frozen base's weight gradients, 2F, are never computed).
 * {@code -Dbg2vec.bench.torchProfile=FILE} writes libtorch's profile (Chrome trace) of the first run.
 */
public final class TrainingBenchmark {

    private TrainingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        ModelPreset preset = ModelPreset.parse(args.length > 0 ? args[0] : "tiny");
        int length = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        Path conf = Paths.get(args.length > 3 ? args[3] : "conf/tiny-simcse.json");
        Integer layers = args.length > 4 ? Integer.valueOf(args[4]) : null;
        Integer vocab = args.length > 5 ? Integer.valueOf(args[5]) : null;
        DjlRuntime.engine();
        Path dir = Files.createTempDirectory("bg2vec-train-bench");
        Path tokenizer = Paths.get("src/test/resources/tokenizers/llama2/tokenizer.json");
        Path model = dir.resolve("model");
        MistralConfig c = RandomCheckpoint.write(preset, tokenizer, "<s>", "</s>", 1, model,
                new RandomCheckpoint.Layout(SafetensorsDType.F32, 0, layers, vocab));
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
        System.out.printf("cores %d, torch intra-op threads %s; %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("ai.djl.pytorch.num_threads", "default (one per core)"),
                DeterministicDropout.hostMaskKernel());

        List<Run> runs = new ArrayList<>();
        String profile = System.getProperty("bg2vec.bench.torchProfile");
        if (profile != null) {
            ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
        }
        runs.add(train("micro-batch " + config.microBatchSize() + (config.microBatchSize() < global ? " (re-forward)"
                : " (one pass)"), config, true, dir.resolve("out-1")));
        if (profile != null) {
            ai.djl.pytorch.jni.JniUtils.stopProfile(profile);
        }
        if (config.microBatchSize() < global) {
            runs.add(train("micro-batch " + global + " (one pass)", config.with("micro_batch_size", global), true,
                    dir.resolve("out-2")));
        }
        if (!Boolean.getBoolean("bg2vec.bench.javaMasksOnly")) {
            runs.add(train("as the first, tensor-op masks (GPU path)", config, false, dir.resolve("out-3")));
        }
        double f = ForwardBenchmark.flopsPerForward(c, global, length);
        double modelFlops = 6 * f;
        double peak = 0;
        try (NDManager m = DjlRuntime.newManager()) {
            for (long[] s : new long[][]{{(long) config.microBatchSize() * length, c.hiddenSize(), c.intermediateSize()},
                    {1024, 1024, 1024}, {2048, 2048, 2048}}) {
                double g = ForwardBenchmark.matmulGflops(m, s[0], s[1], s[2]);
                System.out.printf("fp32 matmul [%d x %d] x [%d x %d]: %.2f GFLOP/s%n", s[0], s[1], s[1], s[2], g);
                peak = Math.max(peak, g);
            }
        }
        System.out.printf("matmul FLOPs per step: forward F = %.3f GFLOP; 6F = %.3f GFLOP (executed: 6F with the"
                + " re-forward, 4F in one pass)%n", f / 1e9, modelFlops / 1e9);
        StringBuilder header = new StringBuilder("%n| phase (median s per step) |");
        StringBuilder rule = new StringBuilder("| --- |");
        for (Run r : runs) {
            header.append(' ').append(r.label()).append(" |");
            rule.append(" ---: |");
        }
        System.out.printf(header + "%n" + rule + "%n");
        for (StepPhases.Phase p : StepPhases.Phase.values()) {
            row(p.label(), runs, r -> r.phase(p.ordinal()));
        }
        row("other", runs, Run::other);
        row("step", runs, Run::step);
        System.out.println();
        for (Run r : runs) {
            double achieved = modelFlops / r.step() / 1e9;
            System.out.printf("%s: median step %.3f s, %.0f tokens/s, loss %.4f; %.2f GFLOP/s (6F / step time);"
                            + " best fp32 matmul %.2f GFLOP/s; ratio %.3f%n", r.label(), r.step(),
                    r.tokens() / r.step(), r.loss(), achieved, peak, achieved / peak);
        }
        for (Run r : runs.subList(1, runs.size())) {
            System.out.printf("speed-up of %s over %s: x%.2f%n", r.label(), runs.get(0).label(),
                    runs.get(0).step() / r.step());
        }
    }

    private static void row(String label, List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
        StringBuilder line = new StringBuilder("| " + label + " |");
        for (Run r : runs) {
            line.append(String.format(" %.3f |", value.applyAsDouble(r)));
        }
        System.out.println(line);
    }

    /** Step times and per-phase times (medians over steps 2..n; step 1 warms up) of one training run. */
    private record Run(String label, double step, double[] phases, double tokens, double loss) {

        double phase(int i) {
            return phases[i];
        }

        double other() {
            return step - Arrays.stream(phases).sum();
        }
    }

    private static Run train(String label, TrainConfig config, boolean javaMasks, Path out) throws Exception {
        DeterministicDropout.setHostMasksOnCpu(javaMasks);
        List<double[]> perStep = new ArrayList<>();
        List<long[]> phaseTotals = new ArrayList<>();
        StepPhases.record();
        SimCseTrainer.Result r;
        try {
            r = TrainingWorker.run(config.with("output_dir", out.toString()), new SingleProcessCollective(),
                    (rank, m) -> {
                        perStep.add(new double[]{m.wallSeconds(), m.tokens()});
                        phaseTotals.add(StepPhases.totals());
                    }, org.bg2vec.train.WorkerEnvironment.cpu(new org.apache.hadoop.conf.Configuration()));
        } finally {
            StepPhases.stop();
            DeterministicDropout.setHostMasksOnCpu(true);
        }
        System.out.printf("%s: all step times %s%n", label,
                Arrays.toString(perStep.stream().mapToDouble(s -> s[0]).toArray()));
        double step = median(perStep.stream().skip(1).mapToDouble(s -> s[0]).toArray());
        double[] phases = new double[StepPhases.Phase.values().length];
        for (int p = 0; p < phases.length; p++) {
            double[] each = new double[phaseTotals.size() - 1];
            for (int i = 1; i < phaseTotals.size(); i++) {
                each[i - 1] = (phaseTotals.get(i)[p] - phaseTotals.get(i - 1)[p]) / 1e9;
            }
            phases[p] = median(each);
        }
        return new Run(label, step, phases, perStep.get(perStep.size() - 1)[1], r.lastLoss());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
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
