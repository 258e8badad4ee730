package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.bg2vec.collective.SingleProcessCollective;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.train.data.TrainSample;

import java.util.List;

/**
 * Cost of the trainer's machinery with the toy encoder (embedding table + linear + tanh + dropout +
 * mean pooling): one GradCache step of a global batch at several micro-batch sizes against plain
 * full-batch autograd, and the optimizer update (flatten, clip, AdamW, write back). The real-model
 * step time is measured at integration. Not a test; run by hand (see
 * src/site/markdown/benchmarks-trainer.md):
 *
 * <pre>
 * mvn -B -o -q test-compile
 * java -cp "target/classes:target/test-classes:$(cat target/cp.txt)" org.bg2vec.train.TrainStepBenchmark [global] [dim] [hidden] [steps]
 * </pre>
 */
public final class TrainStepBenchmark {

    private TrainStepBenchmark() {
    }

    public static void main(String[] args) {
        int global = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int hidden = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int vocab = 2000;
        DjlRuntime.engine();
        List<TrainSample> data = new java.util.ArrayList<>();
        for (int[] ids : org.bg2vec.train.data.TestShards.randomSamples(global, vocab, 64, 3)) {
            data.add(new TrainSample(data.size(), ids, ids));
        }
        long tokens = data.stream().mapToLong(TrainSample::tokens).sum();
        System.out.printf("toy encoder vocab %d, dim %d, hidden %d; global batch %d, %d real tokens (both views), %d cores%n",
                vocab, dim, hidden, global, tokens, Runtime.getRuntime().availableProcessors());
        HardNegativeNLLLoss loss = new HardNegativeNLLLoss(20f);
        try (ToyEncoder enc = new ToyEncoder(vocab, dim, hidden, 0.1f, 1); NDManager m = DjlRuntime.newManager()) {
            TrainableVector params = new TrainableVector(enc.trainableParameters());
            double plain = time(steps, () -> GradCacheStepTest.fullBatchGradient(enc, data, loss));
            report("plain full batch", plain, global, tokens, plain);
            for (int micro : new int[]{8, 32, global}) {
                if (global % micro != 0) {
                    continue;
                }
                GradCacheStep step = new GradCacheStep(enc, loss, new SingleProcessCollective(), params,
                        GradCacheStepTest.COLLATOR, global, micro, 42, true);
                double t = time(steps, () -> step.run(m, data, 0, 1.0).gradients().close());
                report("GradCache micro " + micro, t, global, tokens, plain);
            }
            try (NDManager state = DjlRuntime.newManager();
                 AdamW adam = new AdamW(state, params.size(), 0.9, 0.999, 1e-8, 0)) {
                NDArray values = params.valuesTensor(state);
                double u = time(steps, () -> {
                    try (NDArray g = params.gradientTensor(state)) {
                        GradientClipping.clip(g, Math.sqrt(GradientClipping.sumOfSquares(g)), 1.0);
                        adam.update(values, g, 1e-5);
                    }
                    params.setValues(values);
                });
                System.out.printf("optimizer update (%d values: flatten, clip, AdamW, write back): %.2f ms%n",
                        params.size(), u * 1e3);
            }
        }
    }

    private static void report(String what, double seconds, int samples, long tokens, double plain) {
        System.out.printf("%-22s %8.1f ms/step  %8.1f samples/s  %9.0f tokens/s  %.2fx plain%n", what, seconds * 1e3,
                samples / seconds, tokens / seconds, seconds / plain);
    }

    /** Median seconds of {@code steps} runs after one warm-up run. */
    private static double time(int steps, Runnable r) {
        r.run();
        double[] t = new double[steps];
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        java.util.Arrays.sort(t);
        return t[steps / 2];
    }
}
