package org.bg2vec.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.djl.Autograd;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.model.EncoderOptions;
import org.bg2vec.model.LoraConfig;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.model.MistralEncoder;
import org.bg2vec.model.ModelPreset;
import org.bg2vec.model.RandomCheckpoint;
import org.bg2vec.tokenize.TokenizedBatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.SplittableRandom;

/**
 * CPU forward throughput of the bidirectional Mistral encoder against the same JVM's float32 matmul speed.
 * Not a test (no timing assertions anywhere); run by hand, see src/site/markdown/benchmarks-model.md:
 *
 * <pre>
 * mvn -B -o -q package -DskipTests
 * java [-Dai.djl.pytorch.num_threads=1] -cp "target/classes:target/test-classes:target/lib/*" \
 *     org.bg2vec.bench.ForwardBenchmark [preset] [batch] [length] [iterations] [rounds]
 * </pre>
 */
public final class ForwardBenchmark {

    private ForwardBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        ModelPreset preset = ModelPreset.parse(args.length > 0 ? args[0] : "small");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int length = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        DjlRuntime.engine();
        Path dir = Files.createTempDirectory("bg2vec-bench");
        Path tokenizer = Paths.get("src/test/resources/tokenizers/llama2/tokenizer.json");
        MistralConfig c = RandomCheckpoint.write(preset, tokenizer, "<s>", "</s>", 1, dir);
        System.out.printf("model %s: hidden %d, %d layers, %d heads (%d kv), MLP %d, vocab %d; batch %d x %d tokens%n",
                preset, c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(),
                c.intermediateSize(), c.vocabSize(), batch, length);
        System.out.printf("cores %d, torch intra-op threads %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("ai.djl.pytorch.num_threads", "default (one per core)"));

        TokenizedBatch b = randomBatch(c, batch, length);
        double flopsPerForward = flopsPerForward(c, batch, length);
        try (MistralEncoder enc = MistralEncoder.load(dir, EncoderOptions.cpu().withAttentionDropout(0.1)); NDManager m = DjlRuntime.newManager();
             Autograd.Scope noGrad = Autograd.gradMode(false)) {
            for (int i = 0; i < 2; i++) {
                forwardSeconds(enc, m, b, 1);
            }
            // the machine may be shared: alternate the two measurements and keep the best of each
            double best = Double.MAX_VALUE;
            double peak = 0;
            long[][] shapes = {{(long) batch * length, c.hiddenSize(), c.intermediateSize()},
                    {(long) batch * length, c.intermediateSize(), c.hiddenSize()},
                    {1024, 1024, 1024}, {2048, 2048, 2048}};
            for (int round = 0; round < rounds; round++) {
                double sec = forwardSeconds(enc, m, b, iterations);
                best = Math.min(best, sec);
                System.out.printf("round %d forward: %.3f s per batch, %.0f tokens/s%n", round, sec,
                        batch * (double) length / sec);
                for (long[] s : shapes) {
                    double g = matmulGflops(m, s[0], s[1], s[2]);
                    System.out.printf("round %d fp32 matmul [%d x %d] x [%d x %d]: %.2f GFLOP/s%n", round, s[0], s[1],
                            s[1], s[2], g);
                    peak = Math.max(peak, g);
                }
            }
            double modelGflops = flopsPerForward / best / 1e9;
            System.out.printf("best forward: %.3f s per batch, %.0f tokens/s, %.2f GFLOP per forward, %.2f GFLOP/s%n",
                    best, batch * (double) length / best, flopsPerForward / 1e9, modelGflops);
            System.out.printf("best fp32 matmul: %.2f GFLOP/s%n", peak);
            System.out.printf("ratio model FLOP/s / matmul peak = %.2f%n", modelGflops / peak);

            // SimCSE-style training step: two dropout views of the batch, loss, backward into a new LoRA
            enc.newTrainableAdapter(new LoraConfig(8, 16, 0.05, List.of("q_proj", "k_proj", "v_proj", "o_proj",
                    "gate_proj", "up_proj", "down_proj"), "bench"), 1);
            double bestStep = Double.MAX_VALUE;
            for (int round = 0; round < rounds; round++) {
                long t0 = System.nanoTime();
                try (Autograd.Scope g = Autograd.gradMode(true); NDManager s = m.newSubManager()) {
                    NDArray a = enc.embed(s, b, true, 2L * round);
                    NDArray p = enc.embed(s, b, true, 2L * round + 1);
                    NDArray l = new HardNegativeNLLLoss().loss(a, p, null);
                    Autograd.backward(l, s.ones(l.getShape()));
                    l.getFloat();
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                bestStep = Math.min(bestStep, sec);
                System.out.printf("round %d training step (2 x %d x %d tokens, attention dropout 0.1, LoRA r=8 on all"
                        + " projections): %.3f s%n", round, batch, length, sec);
            }
            System.out.printf("best training step: %.3f s, %.0f tokens/s%n", bestStep, 2.0 * batch * length / bestStep);
        }
    }

    static double forwardSeconds(MistralEncoder enc, NDManager m, TokenizedBatch b, int iterations) {
        long t0 = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            try (NDManager s = m.newSubManager()) {
                enc.embed(s, b, false, 0).toFloatArray();
            }
        }
        return (System.nanoTime() - t0) / 1e9 / iterations;
    }

    /** Matmul FLOPs of one forward: 2·(projection parameters) per token per layer, plus 4·L·hidden for attention. */
    static double flopsPerForward(MistralConfig c, int batch, int length) {
        double h = c.hiddenSize();
        double kv = (double) c.numKeyValueHeads() * c.headDim();
        double projections = h * h * 2 + h * kv * 2 + 3 * h * c.intermediateSize();
        double perToken = c.numHiddenLayers() * (2 * projections + 4.0 * length * h);
        return perToken * batch * length;
    }

    static double matmulGflops(NDManager m, long rows, long inner, long cols) {
        try (NDManager s = m.newSubManager()) {
            NDArray a = s.randomUniform(-1, 1, new Shape(rows, inner));
            NDArray b = s.randomUniform(-1, 1, new Shape(inner, cols));
            for (int i = 0; i < 3; i++) {
                a.matMul(b).close();
            }
            int reps = 0;
            long t0 = System.nanoTime();
            long elapsed;
            do {
                NDArray r = a.matMul(b);
                r.getFloat(0, 0); // force completion
                r.close();
                reps++;
                elapsed = System.nanoTime() - t0;
            } while (elapsed < 1_000_000_000L || reps < 3);
            return 2.0 * rows * inner * cols * reps / (elapsed / 1e9) / 1e9;
        }
    }

    static TokenizedBatch randomBatch(MistralConfig c, int batch, int length) {
        SplittableRandom rnd = new SplittableRandom(7);
        long[] ids = new long[batch * length];
        long[] att = new long[batch * length];
        long[] emb = new long[batch * length];
        for (int r = 0; r < batch; r++) {
            for (int t = 0; t < length; t++) {
                int i = r * length + t;
                ids[i] = t == 0 ? c.bosTokenId() : 3 + rnd.nextInt(c.vocabSize() - 3);
                att[i] = 1;
                emb[i] = t == 0 ? 0 : 1;
            }
        }
        return new TokenizedBatch(batch, length, ids, att, emb);
    }
}
