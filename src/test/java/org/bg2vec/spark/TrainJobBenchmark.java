package org.bg2vec.spark;

import org.bg2vec.djl.DeviceRequest;
import org.apache.spark.sql.SparkSession;
import org.bg2vec.model.ModelPreset;
import org.bg2vec.train.ModelFacts;
import org.bg2vec.train.RealTraining;
import org.bg2vec.train.TrainConfig;
import org.bg2vec.train.TrainingWorker;
import org.bg2vec.train.data.TestShards;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Samples/s of the barrier training stage with the real worker on random TINY and SMALL (4 layers,
 * hidden 256) models, W = 1 and W = 2 in local mode. Not a test; run by hand (see
 * src/site/markdown/benchmarks-train-spark.md):
 *
 * <pre>
 * mvn -B -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-cp.txt
 * java -Xmx8g --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
 *   --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
 *   -Dai.djl.offline=true -cp target/test-classes:target/classes:$(cat target/test-cp.txt) \
 *   org.bg2vec.spark.TrainJobBenchmark [steps] [global] [micro] [maxLen]
 * </pre>
 */
public final class TrainJobBenchmark {

    private TrainJobBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int global = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int micro = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int maxLen = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        Path dir = Files.createTempDirectory("bg2vec-train-bench-");
        SparkSession spark = SparkSessions.getOrCreate("local[2]", "train-bench",
                Map.of("spark.ui.enabled", "false", "spark.barrier.sync.timeout", "600s"));
        TrainJob.Options options = new TrainJob.Options(DeviceRequest.CPU, Duration.ofMinutes(1),
                Duration.ofMinutes(5), Duration.ofMinutes(10));
        System.out.printf(Locale.ROOT, "%d cores; global batch %d, micro-batch %d, samples of up to %d tokens,"
                + " %d steps (first 2 excluded)%n", Runtime.getRuntime().availableProcessors(), global, micro, maxLen,
                steps);
        try {
            for (ModelPreset preset : List.of(ModelPreset.TINY, ModelPreset.SMALL)) {
                Path model = RealTraining.model(dir.resolve(preset.name() + "-model"), preset);
                Path data = TestShards.write(dir.resolve(preset.name() + "-data"),
                        TestShards.randomSamples(global * 8, 1000, maxLen, 5),
                        TestShards.randomSamples(global, 1000, maxLen, 6), 2, 1000, maxLen,
                        org.bg2vec.tokenize.TokenizerFiles.sha256(model.resolve("tokenizer.json")));
                for (int w : new int[]{1, 2}) {
                    TrainConfig c = RealTraining.config(model, data, dir.resolve(preset.name() + "-w" + w),
                            ", \"workers\": " + w + ", \"global_batch_size\": " + global + ", \"micro_batch_size\": "
                                    + micro + ", \"max_steps\": " + steps + ", \"save_steps\": " + steps
                                    + ", \"max_seq_length\": " + Math.max(32, maxLen + 1));
                    long t0 = System.nanoTime();
                    TrainJob.Result r = TrainJob.run(spark, c, options, TrainingWorker::run);
                    double wall = (System.nanoTime() - t0) / 1e9;
                    double timed = 0;
                    double coll = 0;
                    for (int s = 2; s < steps; s++) {
                        double slowest = 0;
                        for (WorkerSummary ws : r.workers()) {
                            slowest = Math.max(slowest, ws.stepSeconds()[s]);
                        }
                        timed += slowest;
                    }
                    for (WorkerSummary ws : r.workers()) {
                        coll = Math.max(coll, ws.collectiveSeconds());
                    }
                    System.out.printf(Locale.ROOT, "%-6s W=%d: %.2f samples/s (%.3f s/step), job wall %.1f s,"
                                    + " max time in collectives %.2f s of the run%n", preset, w,
                            global * (steps - 2) / timed, timed / (steps - 2), wall, coll);
                }
            }
        } finally {
            spark.stop();
        }
    }
}
