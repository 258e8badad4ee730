package org.bg2vec.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.djl.Tensors;
import org.bg2vec.model.NamedParameter;
import org.bg2vec.train.AdamW;
import org.bg2vec.train.GradientClipping;
import org.bg2vec.train.HostAdamW;
import org.bg2vec.train.HostGradientClipping;
import org.bg2vec.train.TrainableVector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The optimizer's part of a training step at the real recipe's size (LoRA r=16 on q,k,v,o,gate,up,down of a 7B
 * Mistral: 41,943,040 values), the former host update against the tensor update, side by side in one run on the CPU:
 * <ul>
 * <li>host (before): the flat gradient copied out of its tensor into a Java array, finite check, global-norm clip and
 *     AdamW as single-threaded loops over Java arrays, the master values written back into the parameter tensors;</li>
 * <li>tensor (now): the sum of squares (finite check and norm), clip and AdamW as tensor operations on the flat
 *     gradient, the write-back a copy between tensors.</li>
 * </ul>
 * It also prints the bytes each data path moves between host and device per step on a GPU, counted from the code
 * (on the CPU nothing crosses a bus). Not a test (no timing assertions anywhere); run by hand or by
 * {@code submit/benchmarks.sh --only optimizer}, see src/site/markdown/benchmarks-trainer.md:
 *
 * <pre>
 * java -cp "target/classes:target/test-classes:target/lib/*" org.bg2vec.bench.OptimizerBenchmark [values] [steps]
 * </pre>
 */
public final class OptimizerBenchmark {

    /** Parameter tensors the values are split into (7 projections × 32 layers, each A and B of LoRA). */
    private static final int TENSORS = 448;

    private OptimizerBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 32 * 16 * 81920;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        DjlRuntime.engine();
        System.out.printf(Locale.ROOT, "optimizer update of %,d values in %d tensors; %d cores; median of %d steps"
                + " after one warm-up%n", n, TENSORS, Runtime.getRuntime().availableProcessors(), steps);
        SplittableRandom random = new SplittableRandom(1);
        float[] gradient = uniform(random, n, 1e-3f);
        try (NDManager m = DjlRuntime.newManager()) {
            TrainableVector params = new TrainableVector(parameters(m, random, n));
            double[] host = host(params, m, gradient, steps);
            double[] tensor = tensor(params, m, gradient, steps);
            System.out.printf(Locale.ROOT, "%-8s %12s %12s %12s %12s %12s%n", "path", "copy out", "finite+clip",
                    "AdamW", "write-back", "total");
            row("host", host);
            row("tensor", tensor);
            System.out.printf(Locale.ROOT, "optimizer step, %,d values: host %.0f ms, tensor %.0f ms: host / tensor = %.2fx"
                    + "%n", n, host[4] * 1e3, tensor[4] * 1e3, host[4] / tensor[4]);
        }
        transfers(n);
    }

    /** One timed step: fills {@code marks} with the nanoTime before and after each of the four phases. */
    private interface TimedStep {
        void run(long[] marks);
    }

    /** Median seconds of each phase (copy out, finite check + clip, AdamW, write-back) and of the total. */
    private static double[] measure(int steps, TimedStep step) {
        double[][] t = new double[5][steps];
        long[] marks = new long[5];
        for (int s = -1; s < steps; s++) {
            step.run(marks);
            for (int p = 0; p < 4 && s >= 0; p++) {
                t[p][s] = (marks[p + 1] - marks[p]) / 1e9;
            }
            if (s >= 0) {
                t[4][s] = (marks[4] - marks[0]) / 1e9;
            }
        }
        return medians(t);
    }

    /** The former host update: the gradient copied into a Java array, loops over arrays, the write-back. */
    private static double[] host(TrainableVector params, NDManager m, float[] gradient, int steps) {
        float[] master = params.values();
        HostAdamW adam = new HostAdamW(master.length, 0.9, 0.999, 1e-8, 0.01);
        try (NDArray g = Tensors.owned(m, gradient, new Shape(gradient.length))) {
            return measure(steps, marks -> {
                marks[0] = System.nanoTime();
                float[] grads = g.toFloatArray();
                marks[1] = System.nanoTime();
                if (HostGradientClipping.allFinite(grads)) {
                    HostGradientClipping.clip(grads, 1.0);
                }
                marks[2] = System.nanoTime();
                adam.update(master, grads, 1e-5);
                marks[3] = System.nanoTime();
                params.setValues(master);
                marks[4] = System.nanoTime();
            });
        }
    }

    /** The tensor update (no copy out; a fresh copy of the gradient per step, untimed, since clipping scales it). */
    private static double[] tensor(TrainableVector params, NDManager m, float[] gradient, int steps) {
        try (NDManager state = m.newSubManager(); AdamW adam = new AdamW(state, params.size(), 0.9, 0.999, 1e-8, 0.01);
             NDArray pristine = Tensors.owned(m, gradient, new Shape(gradient.length))) {
            NDArray master = params.valuesTensor(state);
            return measure(steps, marks -> {
                try (NDArray grads = pristine.duplicate()) {
                    marks[0] = System.nanoTime();
                    marks[1] = marks[0];
                    double sumOfSquares = GradientClipping.sumOfSquares(grads);
                    if (Double.isFinite(sumOfSquares)) {
                        GradientClipping.clip(grads, Math.sqrt(sumOfSquares), 1.0);
                    }
                    marks[2] = System.nanoTime();
                    adam.update(master, grads, 1e-5);
                    marks[3] = System.nanoTime();
                    params.setValues(master);
                    marks[4] = System.nanoTime();
                }
            });
        }
    }

    /** Bytes between host and device per step on a GPU, counted from the two data paths' code. */
    private static void transfers(long n) {
        long vector = 4 * n;
        long rowSums = 8 * ((n + (1 << 14) - 1) >> 14);
        System.out.printf(Locale.ROOT, "host<->device per step on a GPU at %,d values (one vector = %.0f MB):%n", n,
                vector / 1e6);
        System.out.printf(Locale.ROOT, "  host path:   gradient to host %.0f MB + NCCL staging in and out %.0f MB"
                + " (2+ workers) + write-back %.0f MB = %.0f MB in 4 copies%n", vector / 1e6, 2 * vector / 1e6,
                vector / 1e6, 4 * vector / 1e6);
        System.out.printf(Locale.ROOT, "  tensor path: the norm's row sums %.1f KB (twice with fp16 loss scaling) +"
                + " the loss 8 B; vectors: none (%.0fx fewer bytes)%n", rowSums / 1e3, 4.0 * vector / (rowSums + 8));
    }

    private static List<NamedParameter> parameters(NDManager m, SplittableRandom random, int n) {
        List<NamedParameter> out = new ArrayList<>();
        int each = n / TENSORS;
        for (int i = 0; i < TENSORS; i++) {
            int size = i == TENSORS - 1 ? n - each * (TENSORS - 1) : each;
            out.add(new NamedParameter("p" + i, Tensors.owned(m, uniform(random, size, 0.02f), new Shape(size))));
        }
        return out;
    }

    private static float[] uniform(SplittableRandom random, int n, float scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextDouble(-scale, scale);
        }
        return out;
    }

    private static double[] medians(double[][] t) {
        double[] out = new double[t.length];
        for (int p = 0; p < t.length; p++) {
            double[] s = t[p].clone();
            Arrays.sort(s);
            out[p] = s[s.length / 2];
        }
        return out;
    }

    private static void row(String name, double[] t) {
        System.out.printf(Locale.ROOT, "%-8s %9.0f ms %9.0f ms %9.0f ms %9.0f ms %9.0f ms%n", name, t[0] * 1e3,
                t[1] * 1e3, t[2] * 1e3, t[3] * 1e3, t[4] * 1e3);
    }
}
