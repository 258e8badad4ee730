package org.bg2vec.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.collective.SingleProcessCollective;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.bg2vec.model.EncoderOptions;
import org.bg2vec.model.LoraConfig;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.model.MistralEncoder;
import org.bg2vec.plan.MemoryPlan;
import org.bg2vec.plan.MemoryPlanner;
import org.bg2vec.plan.Objective;
import org.bg2vec.plan.PlanRequest;
import org.bg2vec.train.AdamW;
import org.bg2vec.train.GradCacheStep;
import org.bg2vec.train.TrainableVector;
import org.bg2vec.train.TrainingWorker;
import org.bg2vec.train.data.BatchCollator;
import org.bg2vec.train.data.TrainSample;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Peak native memory of real training steps next to the memory planner's prediction for the same shapes. One
 * setting per JVM (run by {@code submit/memory-benchmark.sh}, see src/site/markdown/benchmarks-memory.md):
 * the production loader reads the checkpoint ({@code model=}, e.g. the real 7B widths in 2 layers as bf16
 * shards), merges the MNTP adapter ({@code adapter=}), attaches a new LoRA (r 16, dropout 0.05, all projections)
 * and runs {@code steps} GradCache steps of {@code micro} samples of {@code length} tokens with attention dropout
 * 0.3, recomputation {@code on} or {@code off}, then AdamW on the training device as the trainer does.
 *
 * <pre>
 * java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp "target/classes:target/test-classes:target/lib/*" \
 *   org.bg2vec.bench.MemoryBenchmark model=DIR adapter=DIR precision=fp32 micro=1 recompute=off \
 *   [length=128] [steps=2] [device=cpu|gpu]
 * </pre>
 * On the CPU it samples {@code RssAnon} ({@link ProcessMemory}; the JVM heap is pre-touched, so it is part of
 * the baseline) and prints one {@code RESULT} line of JSON: baseline, load and merge peaks, the steady state
 * after loading, the training peak (sampled RssAnon, and the kernel's exact VmHWM over the baseline VmRSS as a
 * cross-check), and the planned training peak and load/merge peak (CPU mode: the process's native memory
 * beyond its baseline), then a markdown {@code ROW}: the planned peak (the larger of the training and load/merge
 * peaks) beside the measured one. With {@code device=gpu} it runs the same steps on the GPU and prints the GPU
 * plan's peak ({@code PLANNED_PEAK_MIB}); the script measures the GPU with nvidia-smi.
 */
public final class MemoryBenchmark {

    private MemoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Path model = Path.of(a.get("model"));
        Path adapter = Path.of(a.get("adapter"));
        boolean fp16 = a.getOrDefault("precision", "fp32").equals("fp16");
        int micro = Integer.parseInt(a.getOrDefault("micro", "1"));
        int length = Integer.parseInt(a.getOrDefault("length", "128"));
        int steps = Integer.parseInt(a.getOrDefault("steps", "2"));
        boolean recompute = a.getOrDefault("recompute", "off").equals("on");
        boolean gpu = a.getOrDefault("device", "cpu").equals("gpu");

        MistralConfig config = MistralConfig.load(model.resolve("config.json"));
        LoraConfig mntp = LoraConfig.load(adapter);
        PlanRequest request = new PlanRequest(config, fp16 ? 2 : 4, length, micro, micro, 1, 16, true, true,
                MemoryPlanner.loraParameters(config, mntp.r()), gpu, Objective.SIMCSE);
        MemoryPlan plan = MemoryPlanner.plan(request, recompute);

        DjlRuntime.engine();
        EncoderOptions options = new EncoderOptions(gpu ? Device.gpu() : Device.cpu(),
                fp16 ? DataType.FLOAT16 : DataType.FLOAT32, org.bg2vec.model.Pooling.MEAN, false, 0.3, recompute);
        warmUp(options.device());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("precision", fp16 ? "fp16" : "fp32");
        out.put("micro", micro);
        out.put("recompute", recompute ? "on" : "off");
        out.put("length", length);
        out.put("device", gpu ? "gpu" : "cpu");
        try (ProcessMemory pm = new ProcessMemory(2)) {
            long base = pm.anonNow();
            long baseRss = ProcessMemory.field("VmRSS");
            pm.resetPeak();
            long t0 = System.nanoTime();
            MistralEncoder encoder = MistralEncoder.load(model, options);
            long loadPeak = pm.anonPeak() - base;
            pm.resetPeak();
            encoder.mergeAdapter(adapter);
            long mergePeak = pm.anonPeak() - base;
            encoder.newTrainableAdapter(new LoraConfig(16, 32, 0.05, TrainingWorker.TARGET_MODULES, ""), 42);
            System.gc(); // frees the loader's direct staging buffer and unmaps the safetensors windows
            Thread.sleep(200);
            long steady = pm.anonNow() - base;
            out.put("load_seconds", round((System.nanoTime() - t0) / 1e9));
            pm.resetPeak();
            List<Double> stepSeconds = train(encoder, micro, length, steps);
            long trainPeak = pm.anonPeak() - base;
            out.put("baseline_mib", mib(base));
            out.put("load_peak_mib", mib(loadPeak));
            out.put("merge_peak_mib", mib(mergePeak));
            out.put("steady_mib", mib(steady));
            out.put("train_peak_mib", mib(trainPeak));
            out.put("train_peak_hwm_mib", mib(pm.hwm() - baseRss));
            out.put("step_seconds", stepSeconds);
            encoder.close();
        }
        out.put("planned_train_peak_mib", mib(plan.total()));
        out.put("planned_before_training_mib", mib(plan.beforeTraining()));
        Map<String, Double> items = new LinkedHashMap<>();
        plan.device().forEach(i -> items.put(i.name(), mib(i.bytes())));
        out.put("planned_items_mib", items);
        out.put("activation_bytes_per_sample_per_layer", request.activations().savedPerLayer());
        System.out.println("RESULT " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(out));
        System.out.println("PLANNED_PEAK_MIB " + mib(plan.peak()));
        if (!gpu) {
            double measured = Math.max((double) out.get("train_peak_mib"),
                    Math.max((double) out.get("load_peak_mib"), (double) out.get("merge_peak_mib")));
            System.out.printf(Locale.ROOT, "ROW | %s | %d | %s | %.1f | %.1f | %.3f |%n", out.get("precision"), micro,
                    out.get("recompute"), mib(plan.peak()), measured, measured / mib(plan.peak()));
        }
    }

    /** Loads libtorch's kernels and thread pools before the baseline. */
    private static void warmUp(Device device) {
        try (NDManager m = DjlRuntime.engine().newBaseManager(device)) {
            m.randomNormal(new Shape(256, 256)).matMul(m.ones(new Shape(256, 256))).toFloatArray();
        }
        System.gc();
    }

    /** GradCache steps on fixed-length random samples, then AdamW on the training device (as SimCseTrainer does). */
    private static List<Double> train(MistralEncoder encoder, int micro, int length, int steps) {
        TrainableVector params = new TrainableVector(encoder.trainableParameters());
        GradCacheStep step = new GradCacheStep(encoder, new HardNegativeNLLLoss(20f), new SingleProcessCollective(),
                params, new BatchCollator(encoder.config().eosTokenId()), micro, micro, 42,
                !encoder.options().recomputeLayers());
        SplittableRandom random = new SplittableRandom(7);
        List<Double> seconds = new ArrayList<>();
        try (NDManager m = params.parameters().get(0).array().getManager().newSubManager();
             AdamW adam = new AdamW(m, params.size(), 0.9, 0.999, 1e-8, 0)) {
            NDArray master = params.valuesTensor(m);
            for (int s = 0; s < steps; s++) {
                List<TrainSample> slice = new ArrayList<>();
                for (int i = 0; i < micro; i++) {
                    int[] ids = new int[length];
                    ids[0] = encoder.config().bosTokenId();
                    for (int j = 1; j < length; j++) {
                        ids[j] = 3 + random.nextInt(encoder.config().vocabSize() - 3);
                    }
                    slice.add(new TrainSample(i, ids, ids.clone()));
                }
                long t0 = System.nanoTime();
                GradCacheStep.Result r = step.run(m, slice, s, 1.0);
                try (NDArray gradients = r.gradients()) {
                    adam.update(master, gradients, 3e-5);
                }
                params.setValues(master);
                seconds.add(round((System.nanoTime() - t0) / 1e9));
            }
        }
        return seconds;
    }

    private static double mib(long bytes) {
        return round(bytes / 1048576.0);
    }

    private static double round(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.1f", v));
    }
}
